"""The trace browser: who sees what, search, filters, keyset pages, bulk actions, one trace."""
from __future__ import annotations

import pytest
from django.urls import reverse

from curation.models import Assignment, Trace
from curation.services.annotation import queue
from curation.services.traces import parse_filters, matching_traces, trace_page
from tests.factories import add_segmentation, add_trace


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def browse(client, project, **params):
    return client.get(reverse("trace-list", args=[project.slug]), params)


def ids_on(response) -> list[int]:
    return [trace.pk for trace, _ in response.context["rows"]]


def test_search_finds_words_in_problem_reasoning_or_solution(lead_client, project):
    a = add_trace(project, 1, problem="A triangle has sides 3, 4, 5.")
    b = add_trace(project, 2, reasoning="Consider the hypotenuse first.")
    c = add_trace(project, 3)
    assert ids_on(browse(lead_client, project, search="triangle")) == [a.pk]
    assert ids_on(browse(lead_client, project, search="HYPOTENUSE")) == [b.pk]
    assert ids_on(browse(lead_client, project, search="problem -hypotenuse")) == [c.pk, a.pk]


def test_keyset_pages_walk_every_trace_once(project, lead):
    made = [add_trace(project, n).pk for n in range(7)]
    seen, after = [], None
    while True:
        page = trace_page(matching_traces(project, lead, parse_filters({})), size=3, after=after)
        seen += [row.pk for row in page.rows]
        if not page.next_cursor:
            break
        after = page.next_cursor
    assert seen == sorted(made, reverse=True)


def test_keyset_pages_by_length_break_ties_by_id(project, lead):
    for n in range(5):
        add_trace(project, n, text="x" * (10 if n % 2 else 20))
    first = trace_page(matching_traces(project, lead, parse_filters({})), sort="longest", size=2)
    second = trace_page(matching_traces(project, lead, parse_filters({})), sort="longest", size=2, after=first.next_cursor)
    rest = trace_page(matching_traces(project, lead, parse_filters({})), sort="longest", size=2, after=second.next_cursor)
    lengths = [t.length for t in first.rows + second.rows + rest.rows]
    assert lengths == sorted(lengths, reverse=True) and len({t.pk for t in first.rows + second.rows + rest.rows}) == 5


def test_filters_by_teacher_length_and_field_status(lead_client, project, annotator):
    short = add_trace(project, 1, teacher="r1", text="short")
    long = add_trace(project, 2, teacher="r1", text="y" * 500)
    other = add_trace(project, 3, teacher="qwq")
    add_segmentation(other)
    assert ids_on(browse(lead_client, project, teacher="r1")) == [long.pk, short.pk]
    assert ids_on(browse(lead_client, project, min_chars=400)) == [long.pk]
    assert ids_on(browse(lead_client, project, status_response="auto")) == [other.pk]
    assert ids_on(browse(lead_client, project, status_response="uncut")) == [long.pk, short.pk]


def test_filters_by_annotator_flag_and_negative_rating(lead_client, project, annotator):
    mine = add_trace(project, 1)
    add_segmentation(mine, origin="human", author=annotator, status="draft", ratings=[1, -1, 1])
    flagged = add_trace(project, 2)
    add_segmentation(flagged).steps.filter(position=0).update(flagged=True)
    add_trace(project, 3)
    assert ids_on(browse(lead_client, project, annotator="anna")) == [mine.pk]
    assert ids_on(browse(lead_client, project, status_response="draft")) == [mine.pk]
    assert ids_on(browse(lead_client, project, negative="true")) == [mine.pk]
    assert ids_on(browse(lead_client, project, flagged="true")) == [flagged.pk]


def test_a_bad_filter_value_is_refused_with_its_name(lead_client, project):
    response = browse(lead_client, project, min_chars="lots")
    assert response.status_code == 302
    assert "min_chars" in [str(m) for m in response.wsgi_request._messages][0]


def test_an_annotator_browses_only_traces_they_worked_on(client, project, annotator):
    add_trace(project, 1)
    other = add_trace(project, 2)
    Assignment.objects.create(project=project, trace=other, annotator=annotator)
    client.force_login(annotator)
    assert ids_on(browse(client, project)) == [other.pk]


def test_bulk_actions_on_ticked_traces(lead_client, project):
    a, b = add_trace(project, 1), add_trace(project, 2)
    url = reverse("trace-bulk", args=[project.slug])
    lead_client.post(url, {"action": "queue_first", "trace": [a.pk]})
    lead_client.post(url, {"action": "exclude", "trace": [b.pk]})
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.priority, a.excluded, b.priority, b.excluded) == (1, False, 0, True)


def test_bulk_actions_on_everything_a_filter_matches(lead_client, project):
    add_trace(project, 1, teacher="r1"), add_trace(project, 2, teacher="r1")
    keep = add_trace(project, 3, teacher="qwq")
    lead_client.post(reverse("trace-bulk", args=[project.slug]),
                     {"action": "archive", "scope": "all", "query": "teacher=r1"})
    assert list(Trace.objects.filter(archived_at__isnull=True).values_list("pk", flat=True)) == [keep.pk]
    assert len(ids_on(browse(lead_client, project, archived="true"))) == 2


def test_queue_first_traces_are_handed_out_first(project, annotator):
    add_trace(project, 1)
    urgent = add_trace(project, 2)
    Trace.objects.filter(pk=urgent.pk).update(priority=1)
    assert queue.claim_next(project=project, annotator=annotator).trace_id == urgent.pk


def test_archived_traces_are_never_handed_out(project, annotator):
    trace = add_trace(project, 1)
    Trace.objects.filter(pk=trace.pk).update(archived_at="2024-01-01T00:00:00Z")
    assert queue.claim_next(project=project, annotator=annotator) is None


def test_assigning_reserves_traces_for_that_annotator(lead_client, project, annotator, django_user_model):
    from tests.factories import add_member

    add_trace(project, 1)
    reserved = add_trace(project, 2)
    lead_client.post(reverse("trace-bulk", args=[project.slug]),
                     {"action": "assign", "annotator": "anna", "trace": [reserved.pk]})
    other = add_member(django_user_model, project, "olga", "annotator")
    assert queue.claim_next(project=project, annotator=annotator).trace_id == reserved.pk
    assert queue.claim_next(project=project, annotator=other).trace_id != reserved.pk


def test_excluded_traces_leave_dataset_builds(project, dataset):
    from curation.services.datasets.selection import chosen_segmentations
    from curation.services.datasets.spec import BuildSpec

    kept, excluded = add_trace(project, 1), add_trace(project, 2)
    add_segmentation(kept, status="approved"), add_segmentation(excluded, status="approved")
    Trace.objects.filter(pk=excluded.pk).update(excluded=True)
    chosen = chosen_segmentations(project, BuildSpec())
    assert {seg.trace_id for seg in chosen} == {kept.pk}


def test_a_lead_sees_every_segmentation_and_can_edit_a_copy(lead_client, project, annotator, lead):
    trace = add_trace(project, 1)
    add_segmentation(trace)
    theirs = add_segmentation(trace, origin="human", author=annotator, status="submitted")
    page = lead_client.get(reverse("trace-detail", args=[project.slug, trace.pk])).content.decode()
    assert "Automatic segmentation" in page and "Annotator segmentation of the solution by anna" in page
    response = lead_client.post(reverse("trace-edit", args=[project.slug, trace.pk]), {"segmentation": theirs.pk})
    mine = Assignment.objects.get(trace=trace, annotator=lead)
    assert response.url == reverse("annotate-editor", args=[project.slug, mine.pk])
    assert mine.segmentation.steps.count() == theirs.steps.count()
    assert lead_client.get(response.url).status_code == 200


def test_an_annotator_sees_the_machines_and_their_own_segmentations_only(client, project, annotator, django_user_model):
    from tests.factories import add_member

    other = add_member(django_user_model, project, "olga", "annotator")
    trace = add_trace(project, 1)
    add_segmentation(trace, origin="human", author=other)
    add_segmentation(trace, origin="human", author=annotator)
    client.force_login(annotator)
    page = client.get(reverse("trace-detail", args=[project.slug, trace.pk])).content.decode()
    assert "by anna" in page and "by olga" not in page


def test_run_history_lists_imports_and_runs(lead_client, project):
    from curation.models import ImportJob, SegmentationRun

    ImportJob.objects.create(project=project, original_name="a.jsonl", status="failed", message="boom")
    SegmentationRun.objects.create(project=project, traces_total=3, traces_done=3, status="done")
    page = lead_client.get(reverse("run-list", args=[project.slug])).content.decode()
    assert "a.jsonl" in page and "boom" in page and "Segmentation run #" in page
