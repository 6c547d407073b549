"""Datasets and their versions: a version's detail carries its stats, files and checksums."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from curation.api.serializers.projects import StrictCharField, StrictSlugField
from curation.models import Dataset, DatasetVersion
from curation.services.datasets.artifacts import version_artifacts


class DatasetSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    latest_version = serializers.IntegerField(
        source="latest_published",
        read_only=True,
        allow_null=True,
        help_text="The number of the latest published version, if any.",
    )

    class Meta:
        model = Dataset
        fields = ["project", "name", "description", "license", "created_at", "latest_version"]
        read_only_fields = fields


class DatasetCreateSerializer(serializers.Serializer):
    name = StrictSlugField(max_length=100)
    description = StrictCharField(required=False, allow_blank=True, max_length=5000)
    license = StrictCharField(required=False, max_length=64, default="other")


class ArtifactSerializer(serializers.Serializer):
    path = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    url = serializers.URLField()


class VersionStatsSerializer(serializers.Serializer):
    formats = serializers.ListField(child=serializers.CharField())
    containers = serializers.ListField(child=serializers.CharField())
    rows = serializers.DictField(
        child=serializers.IntegerField(), help_text='"format/split" -> rows.'
    )
    traces = serializers.DictField(child=serializers.IntegerField(), help_text="split -> traces.")
    dropped_traces = serializers.IntegerField()


class VersionSerializer(serializers.ModelSerializer):
    dataset = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = DatasetVersion
        fields = ["dataset", "number", "status", "created_at", "published_at", "url"]
        read_only_fields = fields

    def get_dataset(self, version: DatasetVersion) -> str:
        return f"{version.dataset.project.slug}/{version.dataset.name}"

    def get_url(self, version: DatasetVersion) -> str:
        return reverse(
            "api-version-detail", args=_version_args(version), request=self.context.get("request")
        )


class VersionDetailSerializer(VersionSerializer):
    stats = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "spec", "stats", "files", "manifest"]
        read_only_fields = fields

    @extend_schema_field(VersionStatsSerializer(allow_null=True))
    def get_stats(self, version: DatasetVersion) -> dict | None:
        manifest = version.manifest
        if not manifest:
            return None
        return {
            "formats": manifest.get("formats", []),
            "containers": manifest.get("containers", []),
            "rows": manifest.get("rows", {}),
            "traces": manifest.get("traces", {}),
            "dropped_traces": manifest.get("dropped_traces", 0),
        }

    @extend_schema_field(ArtifactSerializer(many=True))
    def get_files(self, version: DatasetVersion) -> list[dict]:
        request = self.context.get("request")
        return [
            {
                "path": a.path,
                "size": a.size,
                "sha256": a.sha256,
                "url": reverse(
                    "api-version-file", args=[*_version_args(version), a.path], request=request
                ),
            }
            for a in version_artifacts(version)
        ]


def _version_args(version: DatasetVersion) -> list:
    return [version.dataset.project.slug, version.dataset.name, version.number]
