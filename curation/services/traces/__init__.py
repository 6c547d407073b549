"""Traces: browsing (filters, search, keyset pages) and a lead's bulk decisions about them.

Entry points: ``parse_filters`` / ``matching_traces`` / ``trace_page`` (the browser and the API
read the same filters), ``chosen_traces`` (the ticked traces, or all a filter matches),
``bulk_action`` (re-segment, queue first, exclude, assign, archive, on them; an assist job on
them starts through ``services.assist.plan_assist_job`` / ``start_assist_job``),
``open_for_lead`` (a lead's own editable copy).
"""
from curation.services.traces.browse import (
    PAGE_SIZE, SORTS, TracePage, matching_traces, page_extras, trace_page, visible_traces,
)
from curation.services.traces.bulk import ACTIONS, BulkError, BulkResult, bulk_action, chosen_traces
from curation.services.traces.editing import open_for_lead
from curation.services.traces.filters import (
    FILTERS, STATUSES, FilterError, TraceFilters, apply_filters, parse_filters,
)
from curation.services.traces.search import search_traces

__all__ = [
    "ACTIONS", "BulkError", "BulkResult", "bulk_action", "chosen_traces", "FILTERS", "open_for_lead", "PAGE_SIZE", "SORTS", "STATUSES", "FilterError", "TraceFilters", "TracePage",
    "apply_filters", "matching_traces", "page_extras", "parse_filters", "search_traces",
    "trace_page", "visible_traces",
]
