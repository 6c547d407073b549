"""A project's traces, read-only, each with every author's segmentation of it; searched and
filtered with the trace browser's parameters.

Both reads are built from rows (``curation/api/trace_json``), not through the serializer, which
stays as the schema's description of the body. A trace answers with an ``ETag`` made of its
segmentations' revisions; ``If-None-Match`` with that tag costs one small query and answers 304.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.exceptions import NotFound

from curation.access import api_project
from curation.api import trace_json
from curation.api.filters import TraceFilters
from curation.api.pagination import TraceCursorPagination
from curation.api.serializers.traces import TraceSerializer
from curation.api.views.datasets import PROJECT
from curation.models import Trace

IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag of a copy you hold: answered 304, with no body, while it is current.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 304],
    description="Changes with any edit, submission or new cut of the trace's segmentations.",
)


@extend_schema_view(
    list=extend_schema(parameters=[PROJECT]),
    retrieve=extend_schema(
        parameters=[PROJECT, IF_NONE_MATCH, ETAG],
        responses={
            200: OpenApiResponse(TraceSerializer, description="The trace."),
            304: OpenApiResponse(description="Not modified since the ETag you sent."),
        },
    ),
)
class TraceViewSet(viewsets.ReadOnlyModelViewSet):
    # Names the model for the schema; get_queryset picks the rows.
    queryset = Trace.objects.none()
    lookup_url_kwarg = "trace_id"
    lookup_value_regex = r"[0-9]+"
    serializer_class = TraceSerializer
    pagination_class = TraceCursorPagination
    # The trace browser's filters (kind, teacher, import_job, search, status_*, ...);
    # ``teacher`` replaced the former ``teacher_model``.
    filter_backends = [TraceFilters]

    def get_queryset(self):
        self.project = api_project(self.request, self.kwargs["project_slug"])
        # Only the ids: the page's bodies are read as rows (trace_json), never as instances.
        return Trace.objects.filter(project=self.project).only("id", "project_id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        ids = [trace.pk for trace in page]
        rows = trace_json.segmentation_rows(ids, page[0].project_id) if ids else []
        body = {
            "next": self.paginator.get_next_link(),
            "previous": self.paginator.get_previous_link(),
            "results": trace_json.trace_bodies(ids, rows),
        }
        return HttpResponse(trace_json.dumps(body), content_type="application/json")

    def retrieve(self, request, *args, **kwargs):
        pk = int(kwargs[self.lookup_url_kwarg])
        project = api_project(request, kwargs["project_slug"])
        rows = trace_json.segmentation_rows([pk], project.pk) if pk < 2**63 else []
        if not rows:
            raise NotFound("No such trace.")
        tag = trace_json.etag(pk, rows)
        if trace_json.matches(request.headers.get("If-None-Match"), tag):
            response = HttpResponse(status=304)
        else:
            (body,) = trace_json.trace_bodies([pk], rows)
            response = HttpResponse(trace_json.dumps(body), content_type="application/json")
        response["ETag"] = tag
        # A client may keep the body, but must ask again (cheaply, with If-None-Match) each time.
        response["Cache-Control"] = "private, no-cache"
        return response
