"""The edit path's access check: the deliberate exception to ``curation.access``.

Every edit starts by finding the user's own assignment in a project where they have one of the
given roles. ``curation.access`` would answer that with the ORM in two or three queries; here it
is one hand-written statement (``rawsql``), because building the ORM query cost more than an
edit's whole transaction (docs/ANNOTATE_BENCHMARKS.md). The rule is the same as
``curation.access.project_for``: a superuser, or a member with one of ``roles``. The trace
(up to megabytes of text) is not read: an edit reads only the field it cuts.
"""
from __future__ import annotations

import functools
import itertools
from collections.abc import Collection

from django.db import connection

from curation.models import Assignment, Membership, Project, Segmentation, StepProposal
from curation.services.annotation import rawsql


def own_assignment(
    user, slug: str, assignment_id: int, *, roles: Collection[str]
) -> Assignment | None:
    """The user's own assignment (with its project and draft) in a project where they have one
    of ``roles``; None for anything else.

    The draft carries ``has_pending_proposals``: whether a model's proposal waits on the text it
    cuts (an EXISTS in the same statement), so that an edit reads the proposals only when there
    are any instead of one more query on every edit."""
    row = rawsql.fetch_one(
        _own_assignment_sql(connection.vendor, len(roles)),
        [assignment_id, slug, user.pk, user.is_superuser, user.pk, *sorted(roles)],
    )
    if row is None:
        return None
    ends = list(itertools.accumulate(len(m._meta.concrete_fields) for m in (Assignment, Project)))
    assignment = rawsql.load(Assignment, row[: ends[0]])
    assignment.project = rawsql.load(Project, row[ends[0] : ends[1]])
    assignment.segmentation = rawsql.load(Segmentation, row[ends[1] : -1])
    assignment.segmentation.has_pending_proposals = bool(row[-1])
    return assignment


@functools.cache  # the same text on every request, 0.16 ms of CPU to build; by database vendor
def _own_assignment_sql(vendor: str, role_count: int) -> str:
    a, p, s, m, sp = (
        rawsql.table(model) for model in (Assignment, Project, Segmentation, Membership, StepProposal)
    )
    # Proposals sit on the segmentation the draft was copied from: same trace, field and rewrite
    # (``assist.proposals._pending_on_same_text`` is the full rule, which this only gates).
    pending = (
        f"EXISTS (SELECT 1 FROM {sp} sp JOIN {s} src ON src.id = sp.segmentation_id"
        f" WHERE src.trace_id = s.trace_id AND src.field = s.field"
        f" AND src.rewrite_id IS NOT DISTINCT FROM s.rewrite_id AND src.id <> s.id"
        f" AND sp.status = '{StepProposal.Status.PENDING.value}')"
    )
    return (
        f"SELECT {rawsql.all_columns(Assignment, 'a')}, {rawsql.all_columns(Project, 'p')},"
        f" {rawsql.all_columns(Segmentation, 's')}, {pending}"
        f" FROM {a} a JOIN {p} p ON p.id = a.project_id JOIN {s} s ON s.id = a.segmentation_id"
        f" WHERE a.id = %s AND p.slug = %s AND a.annotator_id = %s"
        f" AND (%s OR EXISTS (SELECT 1 FROM {m} m WHERE m.project_id = p.id"
        f" AND m.user_id = %s AND m.role IN ({rawsql.placeholders(role_count)})))"
    )
