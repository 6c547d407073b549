"""Datasets of a project and their versions (list, detail with stats and files, latest)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from curation.access import (
    LEADS,
    api_dataset,
    api_project,
    api_datasets,
    with_latest_published,
)
from curation.api.filters import DeclaredFilters, QueryFilter
from curation.api.serializers.datasets import (
    DatasetCreateSerializer,
    DatasetSerializer,
    VersionDetailSerializer,
    VersionSerializer,
)
from curation.models import Dataset, DatasetVersion
from curation.services.datasets import create_dataset

PROJECT = OpenApiParameter(
    "project_slug", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^[-\w]+$"
)
DATASET = OpenApiParameter(
    "dataset_name", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^[-\w]+$"
)
VERSION = OpenApiParameter("version_number", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(parameters=[PROJECT]),
    retrieve=extend_schema(parameters=[PROJECT, DATASET]),
    create=extend_schema(parameters=[PROJECT], request=DatasetCreateSerializer,
                         responses={201: DatasetSerializer}),
)
class DatasetViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A project's datasets; its leads create them (versions are built in the browser or CLI)."""

    # Names the model for the schema; get_queryset picks the rows.
    queryset = Dataset.objects.none()
    write_roles = LEADS
    serializer_class = DatasetSerializer
    lookup_field = "name"
    lookup_url_kwarg = "dataset_name"
    lookup_value_regex = r"[-\w]+"

    def get_queryset(self):
        project = api_project(self.request, self.kwargs["project_slug"])
        return with_latest_published(
            api_datasets(self.request).filter(project=project)
        ).order_by("name")

    def create(self, request: Request, project_slug: str) -> Response:
        project = api_project(request, project_slug)
        form = DatasetCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if Dataset.objects.filter(project=project, name=form.validated_data["name"]).exists():
            raise ValidationError({"name": ["This project has a dataset of that name already."]})
        try:
            dataset = create_dataset(project=project, **form.validated_data)
        except DjangoValidationError as refused:
            raise ValidationError(refused.message_dict) from None
        dataset.latest_published = None
        return Response(DatasetSerializer(dataset).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[PROJECT, DATASET]),
    retrieve=extend_schema(parameters=[PROJECT, DATASET, VERSION]),
    latest=extend_schema(parameters=[PROJECT, DATASET], responses=VersionDetailSerializer),
)
class VersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Versions, newest first. Only published ones have files; they never change."""

    # Names the model for the schema; get_queryset picks the rows.
    queryset = DatasetVersion.objects.none()
    lookup_field = "number"
    lookup_url_kwarg = "version_number"
    lookup_value_regex = r"[0-9]+"
    filter_backends = [DeclaredFilters]
    filters = (
        QueryFilter(
            "status", "status", "Only versions in this state.", DatasetVersion.Status.values
        ),
    )

    def get_queryset(self):
        dataset = api_dataset(
            self.request, self.kwargs["project_slug"], self.kwargs["dataset_name"]
        )
        versions = (
            DatasetVersion.objects.filter(dataset=dataset)
            .select_related("dataset__project")
            .order_by("-number")
        )
        # A list shows no manifest or spec: don't fetch and decode them for every row.
        return versions.defer("manifest", "spec") if self.action == "list" else versions

    def get_serializer_class(self):
        return VersionSerializer if self.action == "list" else VersionDetailSerializer

    @action(detail=False)
    def latest(self, request: Request, project_slug: str, dataset_name: str) -> Response:
        """The latest published version."""
        version = self.get_queryset().filter(status=DatasetVersion.Status.PUBLISHED).first()
        if version is None:
            raise NotFound("This dataset has no published version yet.")
        return Response(self.get_serializer(version).data)
