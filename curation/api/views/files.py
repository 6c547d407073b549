"""Downloading one file of a published version: streamed, resumable, checksummed."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

from curation.access import api_version
from curation.api.views.datasets import DATASET, PROJECT, VERSION
from curation.http.downloads import artifact_response
from curation.services.datasets.artifacts import ArtifactNotFound, artifact_of

FILE_HEADERS = [
    OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.HEADER, description=description)
    for name, description in [
        ("Range", "One byte range, e.g. bytes=1048576- to resume."),
        ("If-Range", "The ETag from the first attempt: resume only if the file is the same."),
        ("If-None-Match", "An ETag already held: 304 if it is still current."),
    ]
]


class VersionFileView(APIView):
    @extend_schema(
        operation_id="versions_file",
        parameters=[
            PROJECT,
            DATASET,
            VERSION,
            OpenApiParameter(
                "file_path",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="A path the version's manifest lists, or manifest.json itself.",
            ),
            *FILE_HEADERS,
        ],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description=(
                    "The file. ETag is its SHA-256 in quotes; Digest and Repr-Digest carry it "
                    "in base64, X-Checksum-SHA256 in hex, all matching the manifest."
                ),
            ),
            (206, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The range asked for."
            ),
            304: OpenApiResponse(description="The ETag sent is current."),
            416: OpenApiResponse(description="The range starts past the end of the file."),
        },
    )
    def get(
        self, request: Request, project_slug: str, dataset_name: str, version_number: str,
        file_path: str,
    ) -> HttpResponse:
        version = api_version(request, project_slug, dataset_name, int(version_number))
        try:
            artifact = artifact_of(version, file_path)
        except ArtifactNotFound:
            raise NotFound(
                "No such file in this version (or the version is not published)."
            ) from None
        return artifact_response(request, artifact)

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # The body is the file whatever the Accept header says; the JSON renderer only ever
        # renders this view's error bodies, so an "Accept: application/octet-stream" is no 406.
        return super().perform_content_negotiation(request, force=True)
