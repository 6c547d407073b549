"""``GET /api/v1/``: where to go from the API's root (its resources, the schema, the docs)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

# Name -> URL name; the project-scoped resources are listed as templates under "paths".
_LINKS = {
    "projects": "api-project-list",
    "training_jobs": "api-training-job-list",
    "schema": "api-schema",
    "docs": "api-docs",
}
_PROJECT = "/api/v1/projects/{project_slug}"
_PATHS = {
    "datasets": _PROJECT + "/datasets/",
    "versions": _PROJECT + "/datasets/{dataset_name}/versions/",
    "latest_version": _PROJECT + "/datasets/{dataset_name}/versions/latest/",
    "version_file": _PROJECT + "/datasets/{dataset_name}/versions/{version_number}/files/"
    "{file_path}",
    "traces": _PROJECT + "/traces/",
    "imports": _PROJECT + "/imports/",
    "segmenter_models": _PROJECT + "/segmenter-models/",
    "deliveries": "/api/v1/training-jobs/{job_id}/deliveries/",
}

IndexSerializer = inline_serializer(
    "ApiIndex",
    {
        **{name: serializers.URLField() for name in _LINKS},
        "paths": serializers.DictField(
            child=serializers.CharField(),
            help_text="Path templates of the project-scoped resources.",
        ),
    },
)


class ApiIndexView(APIView):
    """Links to the top-level resources, the OpenAPI schema and its docs. Open to anyone:
    it names no project and no data."""

    permission_classes = [AllowAny]

    @extend_schema(operation_id="index", responses=IndexSerializer, auth=[{}])
    def get(self, request: Request) -> Response:
        links = {name: reverse(url_name, request=request) for name, url_name in _LINKS.items()}
        return Response({**links, "paths": _PATHS})
