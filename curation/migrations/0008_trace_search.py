"""Full-text search over a trace's problem, reasoning and solution (PostgreSQL only).

A stored generated ``tsvector`` column, kept up to date by PostgreSQL itself (COPY imports
included), with a GIN index. Stored rather than an expression index: the texts are lz4-compressed
TOAST values of up to 75k characters, and an expression index would make every recheck and every
match outside the index decompress and re-parse them. The model does not declare the column: only
``curation.services.traces.search`` reads it. SQLite has no such column; search falls back there.
"""
from django.db import migrations

# Kept in step with curation.services.traces.search.TEXT_SEARCH_CONFIG.
ADD = """
ALTER TABLE curation_trace ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('english'::regconfig,
        coalesce(problem, '') || ' ' || coalesce(reasoning, '') || ' ' || coalesce(response, ''))
) STORED;
CREATE INDEX trace_search_vector ON curation_trace USING gin (search_vector);
-- Keep statistics on 10,000 words instead of 1,000: a word outside the list is then estimated as
-- rare, and the planner reads the GIN index for it instead of walking every trace newest first.
ALTER TABLE curation_trace ALTER COLUMN search_vector SET STATISTICS 1000;
"""
DROP = "DROP INDEX IF EXISTS trace_search_vector; ALTER TABLE curation_trace DROP COLUMN IF EXISTS search_vector;"


def add_search_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop_search_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("curation", "0007_wave2")]
    operations = [migrations.RunPython(add_search_column, drop_search_column)]
