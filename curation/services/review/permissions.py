"""Who may decide on a segmentation: the rules of ``curation.access``, applied to its project.

Views check access before calling a service; the services check again here, so a command or a
task calling them cannot approve what a page would refuse.
"""
from __future__ import annotations

from curation.access import may_review_work, may_withdraw
from curation.models import Project, Segmentation
from curation.services.review.transitions import ReviewError


def project_of(segmentation: Segmentation) -> Project:
    return Project.objects.get(traces=segmentation.trace_id)


def require_reviewer(segmentation: Segmentation, user, *, authors=None) -> Project:
    """The segmentation's project, if ``user`` reviews there and is none of ``authors`` (by
    default the segmentation's author); else ``ReviewError``."""
    project = project_of(segmentation)
    authors = [segmentation.author_id] if authors is None else authors
    if not may_review_work(user, project, authors):
        raise ReviewError("Only the project's reviewers and leads review, and never their own work.")
    return project


def require_lead(segmentation: Segmentation, user) -> Project:
    project = project_of(segmentation)
    if not may_withdraw(user, project):
        raise ReviewError("Only the project's leads may withdraw an approval.")
    return project
