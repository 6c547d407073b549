"""The edit path's access check: the deliberate exception to ``curation.access``.

Every edit starts by finding the user's own assignment in a project where they have one of the
given roles. ``curation.access`` would answer that with the ORM in two or three queries; here it
is one hand-written statement (``rawsql``), because building the ORM query cost more than an
edit's whole transaction (docs/ANNOTATE_BENCHMARKS.md). The rule is the same as
``curation.access.project_for``: a superuser, or a member with one of ``roles``. The trace
(up to megabytes of text) is not read: an edit reads only the field it cuts.
"""
from __future__ import annotations

import itertools
from collections.abc import Collection

from curation.models import Assignment, Membership, Project, Segmentation
from curation.services.annotation import rawsql


def own_assignment(
    user, slug: str, assignment_id: int, *, roles: Collection[str]
) -> Assignment | None:
    """The user's own assignment (with its project and draft) in a project where they have one
    of ``roles``; None for anything else."""
    row = rawsql.fetch_one(
        _own_assignment_sql(len(roles)),
        [assignment_id, slug, user.pk, user.is_superuser, user.pk, *sorted(roles)],
    )
    if row is None:
        return None
    ends = list(itertools.accumulate(len(m._meta.concrete_fields) for m in (Assignment, Project)))
    assignment = rawsql.load(Assignment, row[: ends[0]])
    assignment.project = rawsql.load(Project, row[ends[0] : ends[1]])
    assignment.segmentation = rawsql.load(Segmentation, row[ends[1] :])
    return assignment


def _own_assignment_sql(role_count: int) -> str:
    a, p, s, m = (rawsql.table(model) for model in (Assignment, Project, Segmentation, Membership))
    return (
        f"SELECT {rawsql.all_columns(Assignment, 'a')}, {rawsql.all_columns(Project, 'p')},"
        f" {rawsql.all_columns(Segmentation, 's')}"
        f" FROM {a} a JOIN {p} p ON p.id = a.project_id JOIN {s} s ON s.id = a.segmentation_id"
        f" WHERE a.id = %s AND p.slug = %s AND a.annotator_id = %s"
        f" AND (%s OR EXISTS (SELECT 1 FROM {m} m WHERE m.project_id = p.id"
        f" AND m.user_id = %s AND m.role IN ({rawsql.placeholders(role_count)})))"
    )
