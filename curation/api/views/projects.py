from __future__ import annotations

from rest_framework import viewsets

from curation.api.access import visible_projects
from curation.api.serializers.projects import ProjectSerializer


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """The projects the caller belongs to (only the token's project, for a restricted token)."""

    serializer_class = ProjectSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"

    def get_queryset(self):
        return visible_projects(self.request).order_by("slug")
