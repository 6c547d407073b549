"""A project's segmenter models (the learned strategy's versions) and a request to train one."""
from __future__ import annotations

from rest_framework import serializers

from curation.models import SegmenterModel
from curation.traces.records import STEP_FIELDS


class SegmenterModelSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SegmenterModel
        fields = [
            "id", "project", "field", "version", "source", "status", "message", "training_size",
            "folds", "precision", "recall", "f1", "rules_strategy", "rules_precision",
            "rules_recall", "rules_f1", "active", "created_by", "created_at", "trained_at",
        ]
        read_only_fields = fields


class TrainSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=list(STEP_FIELDS), default="response")
    source = serializers.ChoiceField(choices=SegmenterModel.Source.values, required=False)
