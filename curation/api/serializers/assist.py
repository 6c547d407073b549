"""Model endpoints and assist jobs in the API. A stored API key is write-only: never returned."""
from __future__ import annotations

from rest_framework import serializers

from curation.models import AssistJob, ModelEndpoint
from curation.services.assist.endpoints import SETTINGS


class EndpointSerializer(serializers.ModelSerializer):
    api_key = serializers.CharField(write_only=True, required=False, allow_blank=True,
                                    help_text="Stored encrypted; never returned.")
    has_stored_key = serializers.BooleanField(read_only=True)
    prompt_price_per_1k = serializers.FloatField(required=False, min_value=0)
    completion_price_per_1k = serializers.FloatField(required=False, min_value=0)

    class Meta:
        model = ModelEndpoint
        fields = ["id", *SETTINGS, "api_key", "has_stored_key", "created_at"]
        read_only_fields = ["id", "has_stored_key", "created_at"]
        validators = []  # the name's uniqueness is the service's to check (per project)
        extra_kwargs = {"concurrency": {"min_value": 1, "max_value": 512},
                        "timeout_seconds": {"min_value": 0.1, "max_value": 3600}}

    def settings(self) -> dict:
        return {name: value for name, value in self.validated_data.items() if name in SETTINGS}


class AssistJobSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = AssistJob
        fields = [
            "id", "project", "endpoint", "task", "params", "prompt_version", "status",
            "cancel_requested", "message", "progress_percent", "traces_total", "traces_done",
            "proposals_created", "requests", "failed_requests", "prompt_tokens",
            "completion_tokens", "duration_seconds", "estimated_cost", "discarded",
            "created_at", "started_at", "finished_at", "heartbeat_at",
        ]
        read_only_fields = fields


class AssistJobCreateSerializer(serializers.Serializer):
    endpoint = serializers.IntegerField(help_text="The id of one of the project's endpoints.")
    task = serializers.ChoiceField(choices=AssistJob.Task.choices)
    trace_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                      help_text="These traces; absent: as 'selection' says.")
    selection = serializers.ChoiceField(choices=["all", "without-results"], default="all")
    samples = serializers.IntegerField(required=False, min_value=1, max_value=64)
    max_tokens = serializers.IntegerField(required=False, min_value=1)
    prompt_template = serializers.CharField(required=False, allow_blank=True, default="")
