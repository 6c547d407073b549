"""Traces with their segmentations (every author's steps, as spans into the trace's text)."""

from __future__ import annotations

from rest_framework import serializers

from curation.models import Segmentation, Step, Trace


class StepListSerializer(serializers.ListSerializer):
    """A segmentation's steps in order, each with its index: its place in the list (what is
    stored is only a position to sort by, ``Step.position``)."""

    def to_representation(self, data) -> list[dict]:
        steps = data.all() if hasattr(data, "all") else data
        return [{"index": index, **self.child.to_representation(step)} for index, step in enumerate(steps)]


class StepSerializer(serializers.ModelSerializer):
    # Declared for the schema. A step has no such attribute, so DRF skips the read-only field
    # here and the list serializer puts the index first, where it always was.
    index = serializers.IntegerField(read_only=True, help_text="The step's place in its segmentation, from 0.")

    class Meta:
        model = Step
        fields = ["index", "start", "end", "type", "rating", "note", "flagged"]
        read_only_fields = fields
        list_serializer_class = StepListSerializer


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
