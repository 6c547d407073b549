"""The quality figures of a project (``services.quality.dashboard``) and marking gold."""
from __future__ import annotations

from rest_framework import serializers


class StatesSerializer(serializers.Serializer):
    not_started = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    submitted = serializers.IntegerField()
    approved = serializers.IntegerField()


class DaySerializer(serializers.Serializer):
    day = serializers.DateField()
    submitted = serializers.IntegerField()
    approved = serializers.IntegerField()
    skipped = serializers.IntegerField()


class ThroughputSerializer(serializers.Serializer):
    annotator = serializers.CharField()
    submitted = serializers.IntegerField()
    skipped = serializers.IntegerField()
    mean_seconds = serializers.FloatField(allow_null=True, help_text="Mean active time per submission.")


class BinSerializer(serializers.Serializer):
    # "from" is a keyword: declared through the field's name.
    to = serializers.FloatField()
    traces = serializers.IntegerField()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.FloatField()
        return fields


class WeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday of the week.")
    traces = serializers.IntegerField()
    mean_boundary_f1 = serializers.FloatField(allow_null=True)


class AnnotatorAgreementSerializer(serializers.Serializer):
    annotator = serializers.CharField()
    traces = serializers.IntegerField()
    mean_boundary_f1 = serializers.FloatField(allow_null=True)


class AgreementSerializer(serializers.Serializer):
    traces = serializers.IntegerField(help_text="Traces with stored agreement (two or more annotators).")
    mean_boundary_f1 = serializers.FloatField(allow_null=True)
    histogram = BinSerializer(many=True)
    weekly = WeekSerializer(many=True)
    routes = serializers.DictField(child=serializers.IntegerField())
    per_annotator = AnnotatorAgreementSerializer(many=True)


class GoldSerializer(serializers.Serializer):
    annotator = serializers.CharField()
    items = serializers.IntegerField()
    boundary_f1 = serializers.FloatField(allow_null=True)
    type_accuracy = serializers.FloatField(allow_null=True)
    rating_accuracy = serializers.FloatField(allow_null=True)


class QualitySerializer(serializers.Serializer):
    states = StatesSerializer()
    progress = DaySerializer(many=True)
    throughput = ThroughputSerializer(many=True)
    agreement = AgreementSerializer()
    gold = GoldSerializer(many=True)
    types = serializers.DictField(child=serializers.IntegerField(), help_text="Steps per type.")
    ratings = serializers.DictField(child=serializers.IntegerField(), help_text="Steps per rating.")
    computed_at = serializers.DateTimeField(
        help_text="When these figures were computed: a worker recomputes them a few seconds after "
                  "each review transition, and within a minute of anything else.")


class GoldRequestSerializer(serializers.Serializer):
    gold = serializers.BooleanField(default=True)


class GoldAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    is_gold = serializers.BooleanField()
