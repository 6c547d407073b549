"""What the trace browser does for speed keeps its answers: the source filter's indexed form, the
probe that reads rare matches by id, the filter choices in one statement, the rows built in
Python, and the page's bounded number of queries."""
from __future__ import annotations

import pytest
from django.urls import reverse

from curation.models import Dataset, DatasetVersion, ImportJob, Membership
from curation.services.traces import filters as filter_module
from curation.services.traces import matching_traces, parse_filters, trace_page
from curation.services.traces.choices import filter_choices
from tests.factories import add_segmentation, add_trace


def found(project, user, **params) -> list[int]:
    return [row.pk for row in trace_page(matching_traces(project, user, parse_filters(params))).rows]


def test_the_source_filter_matches_the_value_as_text_whatever_its_json_type(project, lead):
    text = add_trace(project, 1, source={"id": "4242"})
    number = add_trace(project, 2, source={"id": 4242})
    decimal = add_trace(project, 3, source={"id": 1.5, "set": ["a", "b"]})
    nested = add_trace(project, 4, source={"id": {"a": 1, "b": 2}})
    boolean = add_trace(project, 5, source={"ok": True, "id": None})
    assert found(project, lead, source="id=4242") == [number.pk, text.pk]
    # The value is compared as ->> writes it: 1.50 equals 1.5 as JSON, but its text is not "1.5".
    assert found(project, lead, source="id=1.5") == [decimal.pk]
    assert found(project, lead, source="id=1.50") == []
    # A smaller object or array is contained in a larger one, but its text is not the value.
    assert found(project, lead, source='id={"a": 1}') == []
    assert found(project, lead, source='id={"a": 1, "b": 2}') == [nested.pk]
    assert found(project, lead, source='set=["a"]') == []
    assert found(project, lead, source="ok=true") == [boolean.pk]
    assert found(project, lead, source="id=null") == []
    assert found(project, lead, source='id="4242"') == []


@pytest.mark.parametrize("rare", [0, 1, 1000])
def test_rare_matches_read_by_id_are_the_same_rows(project, lead, annotator, monkeypatch, rare):
    """Whether the probe finds the matches few (read by id) or many (query as it was)."""
    monkeypatch.setattr(filter_module, "RARE", rare)
    made = [add_trace(project, n, teacher="r1" if n % 2 else "r2",
                      problem=f"Problem {n}: a {'triangle' if n % 3 == 0 else 'circle'}.")
            for n in range(9)]
    add_segmentation(made[3], origin="human", author=annotator, status="approved", ratings=[1, -1, 1])
    add_segmentation(made[6], origin="human", author=annotator, status="draft")
    add_segmentation(made[7]).steps.filter(position=0).update(flagged=True)
    ids = [trace.pk for trace in made]
    assert found(project, lead, search="triangle", teacher="r1") == [ids[3]]
    assert found(project, lead, search="triangle", teacher="r2") == [ids[6], ids[0]]
    assert found(project, lead, search="circle", teacher="r1", sort="longest") == sorted(
        [ids[7], ids[5], ids[1]], key=lambda pk: (-len(made[ids.index(pk)].problem), -pk))
    assert found(project, lead, annotator=annotator.username) == [ids[6], ids[3]]
    assert found(project, lead, status_response="approved") == [ids[3]]
    assert found(project, lead, negative="true") == [ids[3]]
    assert found(project, lead, flagged="true") == [ids[7]]
    page = trace_page(matching_traces(project, lead, parse_filters({"annotator": annotator.username})), size=1)
    rest = trace_page(matching_traces(project, lead, parse_filters({"annotator": annotator.username})),
                      size=1, after=page.next_cursor)
    assert [row.pk for row in page.rows + rest.rows] == [ids[6], ids[3]] and rest.next_cursor is None


def test_filter_choices_are_every_list_of_the_form_in_one_statement(project, lead, annotator,
                                                                     django_assert_num_queries):
    ImportJob.objects.create(project=project, original_name="b.jsonl", status="done", detected_preset="prm")
    ImportJob.objects.create(project=project, original_name="a.jsonl", status="done", detected_preset="generation")
    ImportJob.objects.create(project=project, original_name="failed.jsonl", status="failed")
    add_trace(project, 1, teacher="zeta"), add_trace(project, 2, teacher="alpha"), add_trace(project, 3, teacher="")
    dataset = Dataset.objects.create(project=project, name="gsm")
    DatasetVersion.objects.create(dataset=dataset, number=1, status="published")
    DatasetVersion.objects.create(dataset=dataset, number=2, status="published")
    DatasetVersion.objects.create(dataset=dataset, number=3, status="building")
    with django_assert_num_queries(1):
        choices = filter_choices(project)
    assert [name for _, name in choices.imports] == ["a.jsonl", "b.jsonl"]  # newest first
    assert choices.presets == ["generation", "prm"]
    assert choices.teachers == ["alpha", "zeta"]
    members = Membership.objects.filter(project=project, role__in=["lead", "annotator"])
    assert sorted(choices.annotators) == sorted(members.values_list("user__username", flat=True))
    assert annotator.username in choices.annotators
    assert choices.versions == [("gsm/2", "gsm v2"), ("gsm/1", "gsm v1")]


def test_a_browser_page_asks_a_bounded_number_of_queries(client, project, lead, annotator,
                                                         django_assert_max_num_queries):
    for n in range(30):
        trace = add_trace(project, n, problem=f"Problem {n} <b>bold</b> & more")
        add_segmentation(trace)
        if n % 5 == 0:
            add_segmentation(trace, origin="human", author=annotator, status="submitted", ratings=[-1, 1, 1])
    client.force_login(lead)
    # session, user, project with the viewer's role, probe, rows, extras, filter choices; and, in
    # a test, the savepoint the client's request opens and releases
    with django_assert_max_num_queries(9):
        response = client.get(reverse("trace-list", args=[project.slug]), {"status_response": "submitted"})
    html = response.content.decode()
    assert response.status_code == 200 and html.count('name="trace" value=') == 6
    assert "Problem 25 &lt;b&gt;bold&lt;/b&gt; &amp; more" in html and "<b>bold</b>" not in html
    assert f">{annotator.username}</td>" in html and "−1</span>" in html


def test_the_trace_page_escapes_every_step(client, project, lead):
    text = "<script>alert(1)</script> and 2 < 3."
    trace = add_trace(project, 1, text=text)
    add_segmentation(trace, spans=[(0, 25), (25, len(text))], types=["compute", "<b>odd</b>"])
    client.force_login(lead)
    html = client.get(reverse("trace-detail", args=[project.slug, trace.pk])).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;</pre>" in html
    assert " and 2 &lt; 3.</pre>" in html and "&lt;b&gt;odd&lt;/b&gt;" in html and "<b>odd" not in html
    assert html.count('<li style="border-left-color:') == 2



def test_bulk_actions_on_everything_a_source_or_search_filter_matches(client, project, lead, monkeypatch):
    monkeypatch.setattr(filter_module, "RARE", 1)  # the second bulk action reads its one match by id
    a = add_trace(project, 1, source={"dataset": "gsm8k"}, teacher="r1")
    b = add_trace(project, 2, source={"dataset": "gsm8k"}, teacher="r2", problem="A triangle.")
    keep = add_trace(project, 3, source={"dataset": "math"}, teacher="r2", problem="A triangle too.")
    client.force_login(lead)
    url = reverse("trace-bulk", args=[project.slug])
    client.post(url, {"action": "exclude", "scope": "all", "query": "source=dataset%3Dgsm8k"})
    client.post(url, {"action": "queue_first", "scope": "all", "query": "search=triangle&teacher=r2&source=dataset%3Dgsm8k"})
    for trace in (a, b, keep):
        trace.refresh_from_db()
    assert (a.excluded, b.excluded, keep.excluded) == (True, True, False)
    assert (a.priority, b.priority, keep.priority) == (0, 1, 0)
