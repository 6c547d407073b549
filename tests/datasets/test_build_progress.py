"""Progress is visible to other connections while the build's read transaction is open."""
from __future__ import annotations

import pytest
from django.db import connection

from curation.models import DatasetVersion
from curation.services.datasets.spec import BuildSpec
from curation.services.datasets.build import build_version, start_build


def traces_total_seen_elsewhere(version_id: int) -> int:
    """The version's traces_total as a connection other than the build's sees it."""
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            table = DatasetVersion._meta.db_table
            cursor.execute(f"SELECT traces_total FROM {table} WHERE id = %s", [version_id])
            return cursor.fetchone()[0]
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_progress_is_committed_while_the_build_reads(dataset, auto_traces):
    version = start_build(dataset=dataset, spec=BuildSpec(source="auto"))
    DatasetVersion.objects.filter(pk=version.pk).update(traces_total=0)
    seen = []

    def on_progress(done: int, total: int) -> None:
        if done == total and not seen:
            seen.append(traces_total_seen_elsewhere(version.pk))

    version = build_version(version, on_progress=on_progress)

    assert version.status == DatasetVersion.Status.PUBLISHED
    assert seen == [5]
