"""Import jobs: upload a file of traces (a lead, with a write token), then watch it run."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from curation.access import LEADS, api_project
from curation.api.filters import DeclaredFilters, QueryFilter
from curation.api.serializers.imports import ImportCreateSerializer, ImportJobSerializer
from curation.api.views.datasets import PROJECT
from curation.models import ImportJob
from curation.services.imports import (
    UnsupportedFile, check_container, create_import_job, start_import,
)
from curation.services.projects import ProjectArchived


@extend_schema_view(
    list=extend_schema(parameters=[PROJECT]),
    retrieve=extend_schema(parameters=[PROJECT]),
    create=extend_schema(
        parameters=[PROJECT], request=ImportCreateSerializer, responses={202: ImportJobSerializer}
    ),
)
class ImportJobViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    # Names the model for the schema; get_queryset picks the rows.
    queryset = ImportJob.objects.none()
    lookup_url_kwarg = "import_id"
    lookup_value_regex = r"[0-9]+"
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser]  # a file upload; there is nothing to send as JSON
    project_roles = LEADS  # imports are the leads' business, in the API as in the browser
    filter_backends = [DeclaredFilters]
    filters = (
        QueryFilter("status", "status", "Only jobs in this state.", ImportJob.Status.values),
    )

    def get_queryset(self):
        project = api_project(self.request, self.kwargs["project_slug"])
        return ImportJob.objects.filter(project=project).select_related("project")

    def create(self, request: Request, project_slug: str) -> Response:
        """Upload a file; the import runs in a worker. Poll the job for progress and errors."""
        project = api_project(request, project_slug)
        form = ImportCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if project.is_archived:
            raise ValidationError({"project": [str(ProjectArchived(project))]})
        upload = form.validated_data["file"]
        try:
            check_container(upload, upload.name)
        except UnsupportedFile as exc:
            raise ValidationError({"file": [str(exc)]}) from None
        job = create_import_job(
            project=project,
            upload=upload,
            upload_name=upload.name,
            user=request.user,
            status=ImportJob.Status.QUEUED,
            **form.job_settings(),
        )
        start_import(job)
        body = ImportJobSerializer(job, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED)
