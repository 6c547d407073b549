"""A project's quality figures (leads and reviewers) and marking gold (leads)."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from curation.access import LEADS, REVIEWERS, api_project
from curation.api.serializers.quality import (
    GoldAnswerSerializer, GoldRequestSerializer, QualitySerializer,
)
from curation.api.views.datasets import PROJECT
from curation.models import Segmentation
from curation.services import quality
from curation.services.quality.dashboard import dashboard_figures


class QualityView(APIView):
    project_roles = REVIEWERS

    @extend_schema(operation_id="projects_quality", parameters=[PROJECT], responses=QualitySerializer)
    def get(self, request: Request, project_slug: str) -> Response:
        """The dashboard's figures: states, progress, throughput, agreement, gold, labels."""
        project = api_project(request, project_slug)
        stored = dashboard_figures(project)
        return Response(QualitySerializer({**stored.figures, "computed_at": stored.computed_at}).data)


class SegmentationGoldView(APIView):
    project_roles = LEADS

    @extend_schema(
        operation_id="projects_segmentations_gold",
        parameters=[PROJECT, OpenApiParameter("segmentation_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=GoldRequestSerializer,
        responses=GoldAnswerSerializer,
    )
    def post(self, request: Request, project_slug: str, segmentation_id: str) -> Response:
        """Mark an approved segmentation as gold (``{"gold": false}``: no longer gold)."""
        project = api_project(request, project_slug)
        segmentation = Segmentation.objects.filter(pk=int(segmentation_id), trace__project=project).first()
        if segmentation is None:
            raise NotFound("No such segmentation.")
        form = GoldRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            quality.mark_gold(segmentation=segmentation, gold=form.validated_data["gold"])
        except quality.GoldError as error:
            raise ValidationError({"gold": [str(error)]}) from None
        return Response({"id": segmentation.pk, "is_gold": segmentation.is_gold})
