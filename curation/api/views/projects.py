"""Projects: list and read (members), create (staff and leads), settings (the project's leads)."""
from __future__ import annotations

from django.core.exceptions import ValidationError as ModelValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from curation.access import api_lead_project, api_projects, may_create_projects
from curation.api.filters import QueryFilter, single_value
from curation.api.serializers.projects import (
    ProjectCreateSerializer, ProjectSerializer, ProjectSettingsSerializer,
)
from curation.services import projects as project_service


ARCHIVED = QueryFilter("archived", "", "Archived projects instead of the others.", type="boolean")


class ProjectViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The projects the caller belongs to (only the token's project, for a restricted token)."""

    serializer_class = ProjectSerializer
    lookup_field = "slug"
    lookup_url_kwarg = "project_slug"  # path parameters are named <resource>_<key> everywhere
    lookup_value_regex = r"[-\w]+"

    def get_queryset(self):
        projects = api_projects(self.request).order_by("slug")
        if self.action != "list":
            return projects
        raw = single_value(self.request, "archived")
        archived = ARCHIVED.parse(raw) if raw is not None else False
        return projects.filter(archived_at__isnull=not archived)

    @extend_schema(parameters=[OpenApiParameter("archived", OpenApiTypes.BOOL, description=ARCHIVED.description)])
    def list(self, request: Request, *args, **kwargs) -> Response:
        """The caller's projects; archived ones only with ``archived=true``."""
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ProjectCreateSerializer, responses={201: ProjectSerializer})
    def create(self, request: Request) -> Response:
        """Start a project; the caller becomes its lead."""
        if not may_create_projects(request.user):
            raise PermissionDenied("Only staff and project leads start projects.")
        form = ProjectCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            project = project_service.create_project(user=request.user, **form.validated_data)
        except ModelValidationError as refused:
            raise ValidationError(refused.message_dict) from None
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ProjectSettingsSerializer)
    @extend_schema(methods=["PATCH"], request=ProjectSettingsSerializer,
                   responses=ProjectSettingsSerializer)
    @action(detail=True, methods=["get", "patch"], url_path="settings", url_name="settings")
    def project_settings(self, request: Request, project_slug: str) -> Response:
        """Every setting of the project (leads). A PATCH is checked as the settings page checks it."""
        project = api_lead_project(request, project_slug)
        if request.method == "PATCH":
            if not isinstance(request.data, dict):
                raise ValidationError({"non_field_errors": ["Send a JSON object of settings."]})
            try:
                project_service.change_settings(project, dict(request.data))
            except project_service.SettingsError as refused:
                raise ValidationError(refused.errors) from None
        return Response(ProjectSettingsSerializer(project_service.current_settings(project)).data)
