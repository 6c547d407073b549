"""Model assistance in the API (leads): a project's endpoints and its assist jobs."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from curation.access import LEADS, api_project
from curation.api.serializers.assist import (
    AssistJobCreateSerializer, AssistJobSerializer, EndpointSerializer,
)
from curation.api.views.datasets import PROJECT
from curation.models import AssistJob, ModelEndpoint
from curation.services import assist


@extend_schema_view(
    list=extend_schema(parameters=[PROJECT]), retrieve=extend_schema(parameters=[PROJECT]),
    create=extend_schema(parameters=[PROJECT]), partial_update=extend_schema(parameters=[PROJECT]),
    update=extend_schema(parameters=[PROJECT]),
)
class EndpointViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ModelEndpoint.objects.none()
    lookup_value_regex = r"[0-9]+"
    lookup_url_kwarg = "endpoint_id"  # path parameters are named <resource>_<key> everywhere
    serializer_class = EndpointSerializer
    project_roles = LEADS

    def get_queryset(self):
        return ModelEndpoint.objects.filter(project=api_project(self.request, self.kwargs["project_slug"]))

    def perform_create(self, serializer: EndpointSerializer) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: EndpointSerializer) -> None:
        self._save(serializer, serializer.instance)

    def _save(self, serializer: EndpointSerializer, endpoint: ModelEndpoint | None) -> None:
        project = api_project(self.request, self.kwargs["project_slug"])
        try:
            serializer.instance = assist.save_endpoint(
                project=project, values=serializer.settings(), endpoint=endpoint,
                api_key=serializer.validated_data.get("api_key", ""), user=self.request.user,
            )
        except assist.InvalidEndpoint as error:
            raise ValidationError({"base_url": [str(error)]}) from None

    @extend_schema(parameters=[PROJECT], request=None,
                   responses={200: {"type": "object", "properties": {
                       "ok": {"type": "boolean"}, "latency_ms": {"type": "number"},
                       "message": {"type": "string"}}}})
    @action(detail=True, methods=["post"], url_path="try")
    def try_it(self, request: Request, project_slug: str, endpoint_id: str) -> Response:
        """Send one short request to the endpoint: does it answer, how fast, and why not."""
        check = assist.try_endpoint(self.get_object())
        return Response({"ok": check.ok, "latency_ms": check.latency_ms, "message": check.message})


@extend_schema_view(
    list=extend_schema(parameters=[PROJECT]), retrieve=extend_schema(parameters=[PROJECT]),
    create=extend_schema(parameters=[PROJECT], request=AssistJobCreateSerializer,
                         responses={202: AssistJobSerializer}),
)
class AssistJobViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = AssistJob.objects.none()
    lookup_value_regex = r"[0-9]+"
    lookup_url_kwarg = "job_id"  # path parameters are named <resource>_<key> everywhere
    serializer_class = AssistJobSerializer
    project_roles = LEADS

    def get_queryset(self):
        project = api_project(self.request, self.kwargs["project_slug"])
        return AssistJob.objects.filter(project=project).select_related("project")

    def create(self, request: Request, project_slug: str) -> Response:
        """Start a job on the workers; poll it for progress, usage, cost and discards."""
        project = api_project(request, project_slug)
        form = AssistJobCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        endpoint = project.model_endpoints.filter(pk=data["endpoint"]).first()
        if endpoint is None:
            raise ValidationError({"endpoint": ["no such endpoint in this project"]})
        try:
            job = assist.start_assist_job(
                project=project, endpoint=endpoint, task=data["task"], trace_ids=data.get("trace_ids"),
                selection=data["selection"], prompt_template=data["prompt_template"], user=request.user,
                params={"samples": data.get("samples"), "max_tokens": data.get("max_tokens")},
            )
        except (assist.InvalidJob, assist.InvalidSelection) as error:
            raise ValidationError({"detail": [str(error)]}) from None
        body = AssistJobSerializer(job, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(parameters=[PROJECT], request=None, responses={200: AssistJobSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, project_slug: str, job_id: str) -> Response:
        """Ask the job to stop (before its next request); a queued job stops at once."""
        job = assist.cancel_assist_job(self.get_object())
        return Response(AssistJobSerializer(job, context=self.get_serializer_context()).data)
