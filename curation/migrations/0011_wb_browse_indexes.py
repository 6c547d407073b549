"""Indexes for the trace browser's filters and sorts at a million traces (issue 14).

Plus, on PostgreSQL only, a GIN index of the source fields (``jsonb_path_ops``): a source
``key=value`` filter first asks it for the few traces holding the value (``source @> {...}``),
where a filter on ``source->>'key'`` alone read every trace (4.6 s at 1M for a value one trace
has). SQLite has no GIN index; the filter works there without it.
"""
from django.conf import settings
from django.db import migrations, models

ADD_SOURCE = "CREATE INDEX IF NOT EXISTS trace_source ON curation_trace USING gin (source jsonb_path_ops)"
DROP_SOURCE = "DROP INDEX IF EXISTS trace_source"


def add_source_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD_SOURCE)


def drop_source_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SOURCE)


class Migration(migrations.Migration):

    dependencies = [
        ('curation', '0010_quality_comment_anchor_figures'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(add_source_index, drop_source_index),
        migrations.AddIndex(
            model_name='segmentation',
            index=models.Index(fields=['field', 'status', 'origin', 'trace'], name='segmentation_state'),
        ),
        migrations.AddIndex(
            model_name='step',
            index=models.Index(condition=models.Q(('flagged', True)), fields=['segmentation'], name='step_flagged'),
        ),
        migrations.AddIndex(
            model_name='step',
            index=models.Index(condition=models.Q(('rating', -1)), fields=['segmentation'], name='step_negative'),
        ),
        migrations.AddIndex(
            model_name='trace',
            index=models.Index(fields=['project', '-priority', '-id'], name='trace_project_priority'),
        ),
        migrations.AddIndex(
            model_name='trace',
            index=models.Index(condition=models.Q(('excluded', True)), fields=['project', '-id'], name='trace_project_excluded'),
        ),
    ]
