"""The editor's hand-written statements read and write what the ORM would."""

from __future__ import annotations

import pytest

from curation.models import Project, SegmentationEdit
from curation.services.annotation import queue
from curation.services.annotation import rawsql

pytestmark = pytest.mark.django_db


def test_load_gives_the_instance_the_orm_would(project):
    project.label_schema = [{"key": "plan", "name": "Plan", "colour": "#123456"}]
    project.guidelines = "Cut <b>here</b> \u2014 and there."
    project.save()
    row = rawsql.fetch_one(
        f"SELECT {rawsql.all_columns(Project, 'p')} FROM {rawsql.table(Project)} p"
        " WHERE p.id = %s",
        [project.pk],
    )

    loaded = rawsql.load(Project, row)

    expected = Project.objects.get(pk=project.pk)
    fields = [field.attname for field in Project._meta.concrete_fields]
    assert {f: getattr(loaded, f) for f in fields} == {f: getattr(expected, f) for f in fields}
    assert loaded._state.adding is False


def test_insert_stores_json_and_foreign_keys_as_the_orm_reads_them(project, annotator, traces):
    assignment = queue.claim_next(project=project, annotator=annotator)
    before = [{"start": 0, "end": 5, "type": "plan", "note": "caf\u00e9 <script>"}]

    rawsql.insert(
        SegmentationEdit,
        segmentation=assignment.segmentation_id,
        author=annotator.pk,
        operation="note",
        params={"index": 0},
        position=0,
        before=before,
        after=[],
        revision=99,
    )

    edit = SegmentationEdit.objects.get(revision=99)
    assert (edit.author, edit.params, edit.before, edit.after) == (annotator, {"index": 0}, before, [])
