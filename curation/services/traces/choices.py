"""The trace browser's filter choices: a lead's lists of imports, presets, teachers, annotators
and published dataset versions, read in one statement.

One round trip instead of five: under load each statement costs a wait for the database far
longer than its own work. Read fresh on every page (never cached), so a new import, member or
version shows at once whatever path changed it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from curation.models import DatasetVersion, ImportJob, Membership, Project

MAX_IMPORTS, MAX_TEACHERS, MAX_VERSIONS = 200, 100, 100


@dataclass
class FilterChoices:
    imports: list[tuple[int, str]] = field(default_factory=list)  # (id, file name), newest first
    presets: list[str] = field(default_factory=list)
    teachers: list[str] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)
    versions: list[tuple[str, str]] = field(default_factory=list)  # ("name/3", "name v3")


# The teachers are a skip scan of the (project, teacher, -id) index, one probe per name, where
# DISTINCT would read every trace (a third of a second at 200k). Every subquery is wrapped in a
# FROM so that its ORDER BY and LIMIT are allowed inside UNION ALL on SQLite too; UNION ALL keeps
# no order of its own, so each row carries its list (1-5) and its rank within the list.
_SQL = """
    WITH RECURSIVE teachers(name) AS (
        SELECT MIN(teacher_model) FROM curation_trace WHERE project_id = %(project)s
        UNION ALL
        SELECT (SELECT MIN(teacher_model) FROM curation_trace
                WHERE project_id = %(project)s AND teacher_model > teachers.name)
        FROM teachers WHERE teachers.name IS NOT NULL
    )
    SELECT 1, ROW_NUMBER() OVER (ORDER BY created_at DESC, pk DESC), pk, name FROM (
        SELECT id AS pk, original_name AS name, created_at FROM curation_importjob
        WHERE project_id = %(project)s AND status = %(done)s
        ORDER BY created_at DESC, id DESC LIMIT %(imports)s) AS imports
    UNION ALL
    SELECT 2, 0, NULL, name FROM (
        SELECT DISTINCT detected_preset AS name FROM curation_importjob
        WHERE project_id = %(project)s AND detected_preset <> '') AS presets
    UNION ALL
    SELECT 3, 0, NULL, name FROM (
        SELECT name FROM teachers WHERE name IS NOT NULL AND name <> '' LIMIT %(teachers)s) AS names
    UNION ALL
    SELECT 4, membership_id, NULL, name FROM (
        SELECT m.id AS membership_id, u.username AS name FROM curation_membership m
        JOIN auth_user u ON u.id = m.user_id
        WHERE m.project_id = %(project)s AND m.role IN (%(annotator)s, %(lead)s)) AS members
    UNION ALL
    SELECT 5, ROW_NUMBER() OVER (ORDER BY dataset_id, number DESC), number, name FROM (
        SELECT d.name AS name, v.number AS number, v.dataset_id AS dataset_id FROM curation_datasetversion v
        JOIN curation_dataset d ON d.id = v.dataset_id
        WHERE d.project_id = %(project)s AND v.status = %(published)s
        ORDER BY v.dataset_id, v.number DESC LIMIT %(versions)s) AS versions
    ORDER BY 1, 2
"""


def filter_choices(project: Project) -> FilterChoices:
    """Every list the lead's filter form offers, in one statement."""
    params = {
        "project": project.pk, "done": ImportJob.Status.DONE, "imports": MAX_IMPORTS,
        "teachers": MAX_TEACHERS, "annotator": Membership.Role.ANNOTATOR,
        "lead": Membership.Role.LEAD, "published": DatasetVersion.Status.PUBLISHED,
        "versions": MAX_VERSIONS,
    }
    with connection.cursor() as cursor:
        cursor.execute(_SQL, params)
        rows = cursor.fetchall()
    choices = FilterChoices()
    for part, _, number, name in rows:
        if part == 1:
            choices.imports.append((number, name))
        elif part == 2:
            choices.presets.append(name)
        elif part == 3:
            choices.teachers.append(name)
        elif part == 4:
            choices.annotators.append(name)
        else:
            choices.versions.append((f"{name}/{number}", f"{name} v{number}"))
    choices.presets.sort()
    choices.teachers.sort()
    return choices
