"""Import jobs: created by uploading a file, then followed through their progress and errors."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from curation.ingest.budget import upload_too_large
from curation.ingest.presets import PRESETS
from curation.ingest.presets.mapping import compile_mapping
from curation.models import ImportJob, SegmentationRun
from curation.services.imports import outcome


class ImportSegmentationSerializer(serializers.ModelSerializer):
    """The segmentation that follows an import: a failed one says why."""

    class Meta:
        model = SegmentationRun
        fields = ["id", "status", "message", "traces_total", "traces_done", "steps_created",
                  "finished_at"]
        read_only_fields = fields


class ImportJobSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)
    segmentation = serializers.SerializerMethodField(
        help_text="The automatic segmentation of the imported traces; null before it starts."
    )
    outcome = serializers.SerializerMethodField(
        help_text='What the import came to, e.g. "imported 60 traces; segmentation failed: ...".'
    )

    @extend_schema_field(ImportSegmentationSerializer(allow_null=True))
    def get_segmentation(self, job: ImportJob) -> dict | None:
        run = job.segmentation_runs.first()
        return ImportSegmentationSerializer(run).data if run else None

    def get_outcome(self, job: ImportJob) -> str:
        return outcome(job)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "project",
            "original_name",
            "preset",
            "detected_preset",
            "mapping",
            "options",
            "atomic",
            "status",
            "message",
            "outcome",
            "segmentation",
            "progress_percent",
            "bytes_total",
            "bytes_read",
            "records_seen",
            "traces_created",
            "duplicates",
            "errors_count",
            "errors",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


@extend_schema_field(
    {"type": "string", "format": "json", "description": "A JSON object: field -> dotted path."}
)
class MappingField(serializers.JSONField):
    """A JSON object sent as one multipart form field (a string of JSON)."""


class StrictBooleanField(serializers.BooleanField):
    """``true`` or ``false`` as the schema says; not DRF's "1", "on", "yes" and friends."""

    TRUE_VALUES = {True, "true"}
    FALSE_VALUES = {False, "false"}


class ImportCreateSerializer(serializers.Serializer):
    """A multipart upload; ``mapping`` is a JSON object of dotted paths (the mapping preset's)."""

    file = serializers.FileField(
        help_text="JSONL, JSON, CSV or Parquet, optionally gzip-compressed."
    )
    preset = serializers.ChoiceField(choices=["auto", *PRESETS], default="auto")
    mapping = MappingField(
        required=False,
        help_text='A JSON object, e.g. {"problem": "question", "steps": "chunks[].text"}; '
        "{} means no mapping, as leaving it out.",
    )
    teacher = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="For s1K files with several teachers: deepseek or gemini.",
    )
    atomic = StrictBooleanField(default=False, help_text="Import all records or none.")

    def to_internal_value(self, data) -> dict:
        # DRF reads an empty form field as "not sent" and uses the default; an API client that
        # sends atomic= or preset= meant something, so say it is not a value.
        empty = {
            name: ["This field may not be empty."]
            for name, field in self.fields.items()
            if data.get(name) == "" and not getattr(field, "allow_blank", False)
        }
        if empty:
            raise serializers.ValidationError(empty)
        return super().to_internal_value(data)

    def validate_file(self, upload):
        if reason := upload_too_large(upload.size, settings.STEPWISE_MAX_UPLOAD_BYTES):
            raise serializers.ValidationError(reason)
        return upload

    def validate_mapping(self, mapping) -> dict:
        if not isinstance(mapping, dict):
            raise serializers.ValidationError("A mapping is a JSON object of field -> dotted path.")
        if not mapping:
            return {}  # {} is "no mapping", as leaving the field out (the schema allows it)
        try:
            compile_mapping(mapping)
        except (ValueError, TypeError) as error:  # MappingError is a ValueError
            raise serializers.ValidationError(f"This mapping cannot work: {error}") from error
        return mapping

    def validate(self, data: dict) -> dict:
        # As in the browser: giving a mapping means the mapping preset.
        if data.get("mapping") and data["preset"] in {"auto", "mapping"}:
            data["preset"] = "mapping"
        if data["preset"] == "mapping" and not data.get("mapping"):
            raise serializers.ValidationError({"mapping": ["The mapping preset needs a mapping."]})
        return data

    def job_settings(self) -> dict:
        data = self.validated_data
        return {
            "preset": data["preset"],
            "mapping": data.get("mapping") if data["preset"] == "mapping" else {},
            "options": {"teacher": data["teacher"]} if data.get("teacher") else {},
            "atomic": data["atomic"],
        }
