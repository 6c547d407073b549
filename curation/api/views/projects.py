from __future__ import annotations

from rest_framework import viewsets

from curation.access import api_projects
from curation.api.serializers.projects import ProjectSerializer


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """The projects the caller belongs to (only the token's project, for a restricted token)."""

    serializer_class = ProjectSerializer
    lookup_field = "slug"
    lookup_url_kwarg = "project_slug"  # path parameters are named <resource>_<key> everywhere
    lookup_value_regex = r"[-\w]+"

    def get_queryset(self):
        return api_projects(self.request).order_by("slug")
