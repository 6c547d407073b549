"""Traces with their segmentations (every author's steps, as spans into the trace's text)."""

from __future__ import annotations

from rest_framework import serializers

from curation.models import Segmentation, Step, Trace


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = ["index", "start", "end", "type", "rating", "note", "flagged"]
        read_only_fields = fields


class SegmentationSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Segmentation
        fields = [
            "id",
            "field",
            "origin",
            "author",
            "strategy",
            "status",
            "revision",
            "updated_at",
            "steps",
        ]
        read_only_fields = fields


class TraceSerializer(serializers.ModelSerializer):
    segmentations = SegmentationSerializer(many=True, read_only=True)

    class Meta:
        model = Trace
        fields = [
            "id",
            "kind",
            "problem",
            "reasoning",
            "response",
            "answer",
            "teacher_model",
            "source",
            "content_hash",
            "import_job",
            "created_at",
            "segmentations",
        ]
        read_only_fields = fields
