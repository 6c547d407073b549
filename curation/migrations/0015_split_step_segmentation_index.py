# Issue 16 (the edit path): a split or merge near the start of a long draft writes a new version
# of every step after it into each index of curation_step. On PostgreSQL the unique
# (segmentation, index) index leads with segmentation_id and serves every lookup by draft (and
# the cascade from a deleted segmentation), so the separate segmentation_id index is one more
# write per renumbered row for nothing: dropped there (-20% of a renumbering's CPU,
# docs/BENCHMARKS.md). SQLite creates no deferrable unique constraint, so there it is the only
# index on the column: kept. The model state is unchanged (the field keeps db_index=True).

from django.db import migrations


def _index_name(schema_editor) -> str:
    return schema_editor._create_index_name("curation_step", ["segmentation_id"])


def drop_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(_index_name(schema_editor))}")


def restore_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        name = schema_editor.quote_name(_index_name(schema_editor))
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON curation_step (segmentation_id)")


class Migration(migrations.Migration):

    dependencies = [
        ('curation', '0014_store_search_gin_compact'),
    ]

    operations = [
        migrations.RunPython(drop_on_postgresql, restore_on_postgresql, elidable=False),
    ]
