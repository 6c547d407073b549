from __future__ import annotations

from rest_framework import serializers

from curation.models import Project


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["slug", "name", "guidelines", "label_schema", "rating_scale", "created_at"]
        read_only_fields = fields
