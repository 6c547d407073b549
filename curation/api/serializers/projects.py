"""Projects: what a member reads, what creating one takes, and its settings (a lead's)."""
from __future__ import annotations

from rest_framework import serializers

from curation.models import Project
from curation.services.projects import SETTINGS


class StrictCharField(serializers.CharField):
    """Text as the schema says: a number or a boolean is refused, not turned into a string."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSlugField(StrictCharField, serializers.SlugField):
    pass


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["slug", "name", "description", "guidelines", "label_schema", "rating_scale",
                  "archived_at", "created_at"]
        read_only_fields = fields


class ProjectCreateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200)
    slug = StrictSlugField(max_length=50, required=False, allow_blank=True,
                                 help_text="From the name when left out.")
    description = StrictCharField(required=False, allow_blank=True, max_length=2000)


class ProjectSettingsSerializer(serializers.Serializer):
    """Every setting; a PATCH sends any of them. The checks are ``services.projects.clean_settings``
    (the settings page's and the commands' too): these fields only describe the shapes."""

    name = serializers.CharField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    guidelines = serializers.CharField(required=False, allow_blank=True, help_text="Markdown.")
    label_schema = serializers.JSONField(
        required=False, help_text="Step types: [{key, name, colour, shortcut, definition}], in order.")
    relabel = serializers.JSONField(
        required=False, write_only=True,
        help_text='With label_schema: {"old key": "new key"} renames a type or gives a retired '
                  'type\'s steps another type ("" for untyped).')
    rating_scale = serializers.JSONField(required=False, help_text="[{value: -1|0|1, name}].")
    overlap = serializers.IntegerField(required=False)
    agreement_tolerance = serializers.IntegerField(required=False)
    agreement_unit = serializers.ChoiceField(choices=["chars", "tokens"], required=False)
    agreement_threshold = serializers.FloatField(required=False)
    max_annotators = serializers.IntegerField(required=False)
    auto_approve_consensus = serializers.BooleanField(required=False)
    gold_rate = serializers.FloatField(required=False)
    screening_items = serializers.IntegerField(required=False)
    screening_threshold = serializers.FloatField(required=False)
    segmentation = serializers.JSONField(
        required=False,
        help_text='{"strategy", "params"} and/or {"fields": {field: {"strategy", "params"}}}.')
    default_preset = serializers.CharField(required=False)
    default_teacher = serializers.CharField(required=False, allow_blank=True)
    default_atomic = serializers.BooleanField(required=False)


assert set(ProjectSettingsSerializer().fields) - {"relabel"} == set(SETTINGS)
