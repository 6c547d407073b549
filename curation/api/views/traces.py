"""A project's traces, read-only, each with every author's segmentation of it; searched and
filtered with the trace browser's parameters."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from curation.access import api_project
from curation.api.filters import TraceFilters
from curation.api.pagination import TraceCursorPagination
from curation.api.serializers.traces import TraceSerializer
from curation.api.views.datasets import PROJECT
from curation.models import Segmentation, Trace

SEGMENTATIONS = Prefetch(
    "segmentations",
    queryset=Segmentation.objects.select_related("author").prefetch_related("steps").order_by("id"),
)


@extend_schema_view(
    list=extend_schema(parameters=[PROJECT]), retrieve=extend_schema(parameters=[PROJECT])
)
class TraceViewSet(viewsets.ReadOnlyModelViewSet):
    # Names the model for the schema; get_queryset picks the rows.
    queryset = Trace.objects.none()
    lookup_value_regex = r"[0-9]+"
    serializer_class = TraceSerializer
    pagination_class = TraceCursorPagination
    # The trace browser's filters (kind, teacher, import_job, search, status_*, ...);
    # ``teacher`` replaced the former ``teacher_model``.
    filter_backends = [TraceFilters]

    def get_queryset(self):
        self.project = api_project(self.request, self.kwargs["project_slug"])
        return Trace.objects.filter(project=self.project).prefetch_related(SEGMENTATIONS)
