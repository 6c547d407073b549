"""A project's segmenter models: list the versions and their scores; a lead starts training."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from curation.access import LEADS, api_project
from curation.api.serializers.learning import SegmenterModelSerializer, TrainSerializer
from curation.api.views.datasets import PROJECT
from curation.models import SegmenterModel
from curation.services import learning


@extend_schema_view(
    list=extend_schema(parameters=[PROJECT]),
    retrieve=extend_schema(parameters=[PROJECT]),
    create=extend_schema(
        parameters=[PROJECT], request=TrainSerializer, responses={202: SegmenterModelSerializer}
    ),
)
class SegmenterModelViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = SegmenterModel.objects.none()  # names the model for the schema
    lookup_url_kwarg = "model_id"  # path parameters are named <resource>_<key> everywhere
    lookup_value_regex = r"[0-9]+"
    serializer_class = SegmenterModelSerializer
    project_roles = LEADS  # the Segmenter page is the leads', in the API as in the browser

    def get_queryset(self):
        project = api_project(self.request, self.kwargs["project_slug"])
        return SegmenterModel.objects.filter(project=project).select_related("project", "created_by")

    def create(self, request: Request, project_slug: str) -> Response:
        """Train a new version on the workers; poll it until its status is ready or failed."""
        project = api_project(request, project_slug)
        form = TrainSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        model = learning.start_training(
            project, form.validated_data["field"], source=form.validated_data.get("source"),
            user=request.user,
        )
        body = SegmenterModelSerializer(model, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED)
