"""The search vector's GIN index without ``fastupdate`` (PostgreSQL only).

Grown row by row through its pending list, the index was 2.8 times the size of the same index
built at once (6.2 vs 2.2 MB at 2,000 R1-length traces; about 40 MB at 10,000 of the database's
383): the list's pages and its flushes into the tree. Without ``fastupdate`` every insert goes
into the tree directly, which keeps it compact (2.2 MB) for 1.1 ms more CPU a 28 KB trace when
its vector is computed. Rebuilt here to drop what the old one had grown.
"""
from django.db import migrations

FORWARD = "ALTER INDEX trace_search_vector SET (fastupdate = off); REINDEX INDEX trace_search_vector;"
BACKWARD = "ALTER INDEX trace_search_vector RESET (fastupdate);"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("curation", "0013_editor_step_indexes")]
    operations = [migrations.RunPython(forward, backward)]
