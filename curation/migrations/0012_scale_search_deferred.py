"""The search vector is no longer a generated column: an import on the workers may defer it.

Parsing a trace into a ``tsvector`` costs PostgreSQL about 3.5 ms of CPU per 28 KB trace: for
10,000 R1-length traces 35 CPU-seconds, more than the import itself, spent inside every COPY
(issue 16). The column stays (same name, same GIN index, same expression in one SQL function);
a trigger fills it on every insert and whenever a text changes, as the generated column did,
except in a transaction that says ``SET LOCAL stepwise.defer_search = 'on'``: the workers'
import (``curation.services.imports``) inserts its batches that way and has the vectors
computed afterwards, off the path to "ready to annotate" (``curation.services.traces.search``).
"""
from django.db import migrations

# Kept in step with curation.services.traces.search.TEXT_SEARCH_CONFIG.
FORWARD = """
CREATE OR REPLACE FUNCTION stepwise_trace_tsvector(problem text, reasoning text, response text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('english'::regconfig,
        coalesce(problem, '') || ' ' || coalesce(reasoning, '') || ' ' || coalesce(response, ''))
$$;
CREATE OR REPLACE FUNCTION stepwise_trace_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF current_setting('stepwise.defer_search', true) IS DISTINCT FROM 'on' THEN
            NEW.search_vector := stepwise_trace_tsvector(NEW.problem, NEW.reasoning, NEW.response);
        END IF;
    ELSIF NEW.problem IS DISTINCT FROM OLD.problem OR NEW.reasoning IS DISTINCT FROM OLD.reasoning
          OR NEW.response IS DISTINCT FROM OLD.response THEN
        NEW.search_vector := stepwise_trace_tsvector(NEW.problem, NEW.reasoning, NEW.response);
    END IF;
    RETURN NEW;
END
$$;
ALTER TABLE curation_trace ALTER COLUMN search_vector DROP EXPRESSION;
CREATE TRIGGER curation_trace_search_insert BEFORE INSERT ON curation_trace
    FOR EACH ROW EXECUTE FUNCTION stepwise_trace_search_trigger();
CREATE TRIGGER curation_trace_search_update BEFORE UPDATE OF problem, reasoning, response
    ON curation_trace FOR EACH ROW EXECUTE FUNCTION stepwise_trace_search_trigger();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS curation_trace_search_insert ON curation_trace;
DROP TRIGGER IF EXISTS curation_trace_search_update ON curation_trace;
DROP FUNCTION IF EXISTS stepwise_trace_search_trigger();
DROP INDEX IF EXISTS trace_search_vector;
ALTER TABLE curation_trace DROP COLUMN IF EXISTS search_vector;
DROP FUNCTION IF EXISTS stepwise_trace_tsvector(text, text, text);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from importlib import import_module

        schema_editor.execute(BACKWARD)
        schema_editor.execute(import_module("curation.migrations.0008_trace_search").ADD)


class Migration(migrations.Migration):
    dependencies = [("curation", "0011_wb_browse_indexes")]
    operations = [migrations.RunPython(forward, backward)]
