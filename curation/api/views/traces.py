"""A project's traces, read-only, each with every author's segmentation of it."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from curation.access import api_project
from curation.api.filters import DeclaredFilters, QueryFilter
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
    lookup_url_kwarg = "trace_id"
    lookup_value_regex = r"[0-9]+"
    serializer_class = TraceSerializer
    pagination_class = TraceCursorPagination
    filter_backends = [DeclaredFilters]
    filters = (
        QueryFilter("kind", "kind", "text or agent.", Trace.Kind.values),
        QueryFilter("teacher_model", "teacher_model", "The teacher model's name, exactly."),
        QueryFilter(
            "import_job", "import_job_id", "Traces added by this import job.", type="integer"
        ),
    )

    def get_queryset(self):
        project = api_project(self.request, self.kwargs["project_slug"])
        return Trace.objects.filter(project=project).prefetch_related(SEGMENTATIONS)
