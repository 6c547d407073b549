"""Compress trace texts with lz4 on PostgreSQL: pglz made TOAST the bottleneck of an import."""
from django.db import migrations

TEXT_COLUMNS = ("problem", "reasoning", "response", "answer")


def use_lz4(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)")
        if cursor.fetchone() is None:
            return  # a server built without lz4 keeps pglz
    alters = ", ".join(f"ALTER COLUMN {column} SET COMPRESSION lz4" for column in TEXT_COLUMNS)
    schema_editor.execute(f"ALTER TABLE curation_trace {alters}")


class Migration(migrations.Migration):
    dependencies = [("curation", "0002_annotation")]
    operations = [migrations.RunPython(use_lz4, migrations.RunPython.noop)]
