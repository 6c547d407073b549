"""Training jobs: registered by a trainer, fed by workers, reported on by the trainer."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from curation.export.formats import FORMATS
from curation.models import Delivery, TrainingJob
from curation.services.delivery.training_jobs import WebhookRefused, check_webhook_url


class TrainingJobSerializer(serializers.ModelSerializer):
    dataset = serializers.SerializerMethodField(help_text='"project/name".')
    version = serializers.IntegerField(
        source="version.number",
        read_only=True,
        allow_null=True,
        help_text="The fixed version; null follows each new published version.",
    )
    webhook_url = serializers.SerializerMethodField()
    storage_target = serializers.SerializerMethodField()
    paused = serializers.SerializerMethodField(
        help_text="Nothing is delivered while paused; pause_reason says why."
    )

    class Meta:
        model = TrainingJob
        fields = [
            "id",
            "name",
            "dataset",
            "version",
            "format",
            "webhook_url",
            "storage_target",
            "status",
            "metrics",
            "paused",
            "pause_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_paused(self, job: TrainingJob) -> bool:
        return job.paused_at is not None

    def get_dataset(self, job: TrainingJob) -> str:
        return f"{job.dataset.project.slug}/{job.dataset.name}"

    # "Not set" is null on the wire rather than "", which is no URL and no folder.
    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_webhook_url(self, job: TrainingJob) -> str | None:
        return job.webhook_url or None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_storage_target(self, job: TrainingJob) -> str | None:
        return job.storage_target or None


class ProjectTrainingJobSerializer(TrainingJobSerializer):
    """A job as the project's leads see it: whose it is, and never its secret."""

    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta(TrainingJobSerializer.Meta):
        fields = [*TrainingJobSerializer.Meta.fields, "owner"]
        read_only_fields = fields


class RegisteredTrainingJobSerializer(TrainingJobSerializer):
    """The answer to a registration: the only time the webhook secret is shown."""

    class Meta(TrainingJobSerializer.Meta):
        fields = [*TrainingJobSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class TrainingJobCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    dataset = serializers.RegexField(
        r"^[-\w]+/[-\w]+$", max_length=201, help_text='"project/name".'
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="A fixed version; leave out to follow each new published version.",
    )
    format = serializers.ChoiceField(choices=list(FORMATS), default="srl")
    webhook_url = serializers.URLField(
        required=False, max_length=200, help_text="Receives a signed POST per delivered version."
    )
    storage_target = serializers.CharField(
        required=False,
        max_length=500,
        help_text="A folder, relative to the server's delivery root.",
    )
    secret = serializers.CharField(
        required=False,
        min_length=16,
        max_length=64,
        help_text="Signs webhook bodies; generated when left out.",
    )


    def validate_webhook_url(self, url: str) -> str:
        try:
            check_webhook_url(url)
        except WebhookRefused as refused:
            raise serializers.ValidationError(str(refused)) from refused
        return url


class TrainingJobReportSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TrainingJob.Status.choices, required=False)
    metrics = serializers.DictField(
        required=False, help_text="Any JSON object; replaces the previous one."
    )


class DeliverRequestSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Default: the job's version, else the latest published one.",
    )


class DeliverySerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "version",
            "attempt",
            "outcome",
            "response_status",
            "elapsed_ms",
            "detail",
            "body",
            "created_at",
        ]
        read_only_fields = fields


class DeliveryQueuedSerializer(serializers.Serializer):
    job = serializers.IntegerField()
    version = serializers.IntegerField(help_text="The version number that will be delivered.")
    started = serializers.BooleanField(
        help_text="False when a delivery of this version to this job was already under way "
        "(one chain of attempts per job and version): nothing new was started."
    )
