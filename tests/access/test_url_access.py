"""Every URL pattern of the app and the API, called by every kind of principal, answers the
status this table declares. A pattern missing from the table fails: a new endpoint must say
who may use it.

Pages are called with a session (anonymous: none); API endpoints with a personal token
(anonymous: none). Each call runs in a savepoint that is rolled back, so one fixture set serves
every call and a lead's write cannot change what the next principal sees.
"""
from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from curation.models import (
    ApiToken, AssistJob, Dataset, DatasetVersion, ImportJob, Membership, ModelEndpoint,
    SegmentationRun, SegmenterModel, StepProposal, TrainingJob,
)
from curation.services.annotation import queue
from curation.services.people import invitations, tokens
from tests.factories import add_segmentation, add_trace

PAGE_PRINCIPALS = ("anonymous", "lead", "annotator", "reviewer", "outsider")
API_PRINCIPALS = (*PAGE_PRINCIPALS, "token_for_another_project", "read_only_token")

# Columns: anonymous, lead, annotator, reviewer, outsider; API rows add a token restricted to
# another project and a read-only token (the lead's). 302 for an anonymous page: to the login.
SIGNED_IN = (302, 200, 200, 200, 200)  # pages of one's own (tokens, training jobs, projects)
ALL_MEMBERS = (302, 200, 200, 200, 404)
ANNOTATORS = (302, 200, 200, 404, 404)  # annotators and leads
LEADS_ONLY = (302, 200, 404, 404, 404)
LEADS_ONLY_REDIRECTED = (302, 302, 404, 404, 404)  # a lead's POST answers with a redirect
REVIEWERS = (302, 200, 404, 200, 404)  # reviewers and leads
REVIEWERS_EMPTY_FORM = (302, 400, 404, 400, 404)
REVIEWERS_REDIRECTED = (302, 302, 404, 302, 404)
OWNER_ONLY, OWNER_ONLY_REDIRECTED = LEADS_ONLY, LEADS_ONLY_REDIRECTED  # the lead owns job, token
OWN_ASSIGNMENT = (302, 404, 400, 404, 404)  # the annotator's own (400: an empty form)
# API columns add: token restricted to another project, read-only token (both the lead's).
API_MEMBERS = (401, 200, 200, 200, 404, 404, 200)
API_LEADS = (401, 200, 403, 403, 404, 404, 200)
API_OWN_JOB = (401, 200, 404, 404, 404, 404, 200)  # the token owner's training job
API_LEADS_WRITE = (401, 200, 403, 403, 404, 404, 403)  # a lead's write; a read token may not
API_LEADS_WRITE_204 = (401, 204, 403, 403, 404, 404, 403)

# One row per URL pattern (name, or regex when unnamed), one status tuple per call in CALLS.
EXPECTED: dict[str, list[tuple[int, ...]]] = {
    'project-list': [SIGNED_IN],
    'project-detail': [ALL_MEMBERS],
    # The workbench (issue 14). Staff and leads (of any project: otto leads beta) start projects.
    'project-create': [(302, 200, 403, 403, 200), (302, 200, 403, 403, 200)],
    'project-settings': [LEADS_ONLY, (302, 400, 404, 404, 404)],  # 400: no section named
    'guidelines-preview': [LEADS_ONLY],
    'project-archive': [LEADS_ONLY_REDIRECTED],
    'project-purge': [LEADS_ONLY_REDIRECTED],
    'trace-list': [ANNOTATORS],
    'trace-bulk': [LEADS_ONLY_REDIRECTED],
    'trace-assist': [LEADS_ONLY_REDIRECTED],  # an assist job; naming no trace: back to the list
    'trace-edit': [LEADS_ONLY_REDIRECTED],
    'run-list': [LEADS_ONLY],
    'import-list': [LEADS_ONLY, LEADS_ONLY],
    'import-detail': [LEADS_ONLY],
    'import-preview': [LEADS_ONLY],
    'import-start': [LEADS_ONLY_REDIRECTED],
    'import-discard': [LEADS_ONLY_REDIRECTED],
    'import-progress': [LEADS_ONLY],
    'segment-start': [LEADS_ONLY_REDIRECTED],
    'segment-progress': [ALL_MEMBERS],
    'trace-detail': [ALL_MEMBERS],
    'segmenter': [LEADS_ONLY, LEADS_ONLY],  # a lead's empty POST: the page with the form's errors
    'segmenter-train': [LEADS_ONLY_REDIRECTED],
    'segmenter-activate': [LEADS_ONLY_REDIRECTED],
    'segmenter-deactivate': [LEADS_ONLY_REDIRECTED],
    'annotate-queue': [ANNOTATORS, ANNOTATORS],  # the second: a page of "your traces"
    'annotate-next': [(302, 302, 302, 404, 404)],
    'annotate-editor': [(302, 404, 200, 404, 404)],  # the annotator's own
    'annotate-revision': [(302, 404, 200, 404, 404)],  # the annotator's own
    'annotate-submit': [OWN_ASSIGNMENT],
    'annotate-skip': [OWN_ASSIGNMENT],
    'annotate-edit': [OWN_ASSIGNMENT],
    'segmentation-history': [ALL_MEMBERS],  # its author, reviewers and leads
    'review-queue': [REVIEWERS],
    'review-approved': [REVIEWERS],
    'review-editor': [REVIEWERS],
    'review-approve': [REVIEWERS_EMPTY_FORM],
    'review-send-back': [REVIEWERS_EMPTY_FORM],
    'review-withdraw': [LEADS_ONLY_REDIRECTED],
    'review-edit': [REVIEWERS_EMPTY_FORM],
    'adjudication-list': [REVIEWERS],
    'adjudication': [REVIEWERS],
    'adjudication-resolve': [REVIEWERS_REDIRECTED],
    'member-list': [LEADS_ONLY],
    'member-role': [LEADS_ONLY_REDIRECTED],
    'member-remove': [LEADS_ONLY_REDIRECTED],
    'invitation-create': [(302, 400, 404, 404, 404)],
    'invitation-revoke': [LEADS_ONLY_REDIRECTED],
    'invitation-accept': [(200, 200, 200, 200, 200)],
    'quality-dashboard': [REVIEWERS],
    'segmentation-gold': [LEADS_ONLY_REDIRECTED],
    'member-pause': [LEADS_ONLY_REDIRECTED],
    'member-screening-reset': [LEADS_ONLY_REDIRECTED],
    'token-list': [SIGNED_IN],
    'token-revoke': [OWNER_ONLY_REDIRECTED],
    'training-job-list': [SIGNED_IN],
    'training-job-detail': [OWNER_ONLY],
    'training-job-deliver': [OWNER_ONLY_REDIRECTED],
    'project-training-jobs': [LEADS_ONLY],
    'project-training-job-pause': [LEADS_ONLY_REDIRECTED],
    'project-training-job-resume': [LEADS_ONLY_REDIRECTED],
    'project-training-job-remove': [LEADS_ONLY_REDIRECTED],
    'dataset-list': [ALL_MEMBERS, LEADS_ONLY],
    'dataset-detail': [ALL_MEMBERS, LEADS_ONLY],
    'dataset-builder': [LEADS_ONLY],
    'dataset-counts': [LEADS_ONLY],
    'dataset-preview': [LEADS_ONLY],
    'dataset-diff': [ALL_MEMBERS, (302, 400, 400, 400, 404)],  # the second: a bad choice
    'dataset-version': [ALL_MEMBERS],
    'dataset-version-progress': [ALL_MEMBERS],
    'dataset-file': [ALL_MEMBERS],
    'assist': [LEADS_ONLY],
    'assist-endpoint-add': [(302, 422, 404, 404, 404)],  # 422: an empty form
    'assist-endpoint': [LEADS_ONLY],
    'assist-endpoint-save': [(302, 422, 404, 404, 404)],
    'assist-endpoint-try': [LEADS_ONLY],  # 200 says the policy refused the URL
    'assist-job-start': [(302, 422, 404, 404, 404)],
    'assist-job-progress': [LEADS_ONLY],
    'assist-job-cancel': [LEADS_ONLY],
    'assist-job-resume': [LEADS_ONLY_REDIRECTED],
    'annotate-proposal': [OWN_ASSIGNMENT],
    'favicon': [(301, 301, 301, 301, 301)],
    'api-schema': [(200, 200, 200, 200, 200, 200, 200)],
    'api-docs': [(200, 200, 200, 200, 200, 200, 200)],
    'api/^v1/': [(404, 404, 404, 404, 404, 404, 404)],
    'api-index': [(200, 200, 200, 200, 200, 200, 200)],  # links only: open to anyone
    'api-project-list': [(401, 200, 200, 200, 200, 200, 200), (401, 400, 403, 403, 400, 400, 403)],
    'api-project-detail': [API_MEMBERS],
    'api-project-settings': [API_LEADS, (401, 200, 403, 403, 404, 404, 403)],
    'api-dataset-list': [API_MEMBERS, (401, 400, 403, 403, 404, 404, 403)],
    'api-dataset-detail': [API_MEMBERS],
    'api-version-list': [API_MEMBERS],
    'api-version-latest': [API_MEMBERS],
    'api-version-detail': [API_MEMBERS],
    'api-version-file': [API_MEMBERS],
    'api-trace-list': [API_MEMBERS],
    'api-trace-detail': [API_MEMBERS],
    'api-import-list': [API_LEADS, (401, 415, 403, 403, 404, 404, 403)],
    'api-import-detail': [API_LEADS],
    'api-quality': [(401, 200, 403, 200, 404, 404, 200)],
    # An empty body asks for gold; the draft in the fixture set is not approved: 400 for the lead.
    'api-segmentation-gold': [(401, 400, 403, 403, 404, 404, 403)],
    'api-segmenter-model-list': [API_LEADS, (401, 202, 403, 403, 404, 404, 403)],
    'api-segmenter-model-detail': [API_LEADS],
    'api-training-job-list': [
        (401, 200, 200, 200, 200, 200, 200), (401, 400, 400, 400, 400, 400, 403)],
    'api-training-job-detail': [API_OWN_JOB, (401, 200, 404, 404, 404, 404, 403)],
    'api-training-job-deliver': [(401, 202, 404, 404, 404, 404, 403)],
    'api-delivery-list': [API_OWN_JOB],
    'api-project-training-job-list': [API_LEADS],
    'api-project-training-job-detail': [API_LEADS, API_LEADS_WRITE_204],
    'api-project-training-job-pause': [API_LEADS_WRITE],
    'api-project-training-job-resume': [API_LEADS_WRITE],
    'api-delivery-detail': [(401, 404, 404, 404, 404, 404, 404)],
    'api-assist-endpoint-list': [API_LEADS, (401, 400, 403, 403, 404, 404, 403)],
    'api-assist-endpoint-detail': [API_LEADS, (401, 200, 403, 403, 404, 404, 403)],
    'api-assist-endpoint-try-it': [(401, 200, 403, 403, 404, 404, 403)],
    'api-assist-job-list': [API_LEADS, (401, 400, 403, 403, 404, 404, 403)],
    'api-assist-job-detail': [API_LEADS],
    'api-assist-job-cancel': [(401, 200, 403, 403, 404, 404, 403)],
}


def _ours(route: str, pattern: URLPattern) -> bool:
    """The project's own patterns (the app, the API with its schema and docs, the favicon),
    not the admin's or Django's login and logout views."""
    return not route.startswith("admin/") and not pattern.lookup_str.startswith("django.")


def url_names() -> set[str]:
    """The name (or, unnamed, the regex) of every pattern the app and the API route."""
    names: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and _ours(prefix + str(pattern.pattern), pattern):
                names.add(pattern.name or prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "")
    return names


# --- The fixture set: one project with one of everything, another project, every principal ---


@pytest.fixture
def world(db, settings, tmp_path, project, other_project, lead, annotator, reviewer, outsider):
    """Everything a URL can name, in project ``alpha``; ``beta`` is another project."""
    import hashlib

    settings.STEPWISE_API_RATES = {"user": "", "anon": ""}
    root = tmp_path / "datasets"
    settings.STORAGES = {**settings.STORAGES, "datasets": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}}}
    trace = add_trace(project, 1)
    auto = add_segmentation(trace)
    # A private URL: "try it" is refused by the outbound policy without a packet sent.
    endpoint = ModelEndpoint.objects.create(project=project, name="e", base_url="http://10.0.0.9/v1", model="m")
    assist_job = AssistJob.objects.create(project=project, endpoint=endpoint, task="critic",
                                          trace_ids=[trace.pk], traces_total=1)
    proposal = StepProposal.objects.create(segmentation=auto, step_index=0, start=0, end=5,
                                           value="1", source="model")
    assignment = queue.claim_next(project=project, annotator=annotator)
    submitted = add_segmentation(add_trace(project, 2), origin="human", author=annotator)
    approved = add_segmentation(add_trace(project, 3), origin="human", author=annotator, status="approved")
    disputed = add_trace(project, 4)
    for _ in range(2):
        add_segmentation(disputed, origin="human", author=annotator)
    dataset = Dataset.objects.create(project=project, name="gsm", license="mit")
    (root / "alpha/gsm/v1").mkdir(parents=True)
    readme = b"# gsm v1\n"
    (root / "alpha/gsm/v1/README.md").write_bytes(readme)
    (root / "alpha/gsm/v1/traces.jsonl").write_bytes(b"")  # the trace index a diff reads
    files = {"README.md": {"size": len(readme), "sha256": hashlib.sha256(readme).hexdigest()}}
    (root / "alpha/gsm/v1/manifest.json").write_text(json.dumps({"files": files}))
    DatasetVersion.objects.create(
        dataset=dataset, number=1, status=DatasetVersion.Status.PUBLISHED, spec={},
        manifest={"files": files}, path="alpha/gsm/v1", published_at=timezone.now())
    job = TrainingJob.objects.create(owner=lead, dataset=dataset, name="run", format="srl",
                                     webhook_url="http://receiver.invalid/hook", secret="s")
    Membership.objects.create(project=other_project, user=lead, role=Membership.Role.ANNOTATOR)
    staged = tmp_path / "x.jsonl"  # a staged import's file: starting it reads its head
    staged.write_text('{"problem": "1+1", "reasoning": "2", "answer": "2"}\n')
    invitation, raw_invitation = invitations.create_invitation(
        project=project, role="annotator", created_by=lead)
    return {
        "trace": trace, "assignment": assignment, "endpoint": endpoint, "assist_job": assist_job,
        "proposal": proposal, "dataset": dataset, "job": job,
        "submitted": submitted, "approved": approved, "disputed": disputed,
        "import": ImportJob.objects.create(project=project, status=ImportJob.Status.STAGED,
                                           original_name="x.jsonl", source_path=str(staged)),
        "run": SegmentationRun.objects.create(project=project, traces_total=0),
        "segmenter_model": SegmenterModel.objects.create(project=project, field="response", version=1),
        "membership": Membership.objects.get(project=project, user=annotator),
        "invitation": invitation, "raw_invitation": raw_invitation,
        "credentials": {
            "lead": tokens.create_token(user=lead, name="w", scope="write")[1],
            "annotator": tokens.create_token(user=annotator, name="w", scope="write")[1],
            "reviewer": tokens.create_token(user=reviewer, name="w", scope="write")[1],
            "outsider": tokens.create_token(user=outsider, name="w", scope="write")[1],
            "token_for_another_project": tokens.create_token(
                user=lead, name="beta", scope="write", project=other_project)[1],
            "read_only_token": tokens.create_token(user=lead, name="r", scope="read")[1],
        },
        "users": {"lead": lead, "annotator": annotator, "reviewer": reviewer, "outsider": outsider},
        "token": ApiToken.objects.filter(user=lead).first(),
        "clients": {},
    }


# --- Calls: how to call each URL (method, path from the fixture set, body) -----------------------


def _page(name: str, *args):
    return lambda w: reverse(name, args=[a(w) if callable(a) else a for a in args])


SLUG = "alpha"
DS = "gsm"
ASSIGNMENT = lambda w: w["assignment"].pk  # noqa: E731
ENDPOINT = lambda w: w["endpoint"].pk  # noqa: E731
ASSIST_JOB = lambda w: w["assist_job"].pk  # noqa: E731
API_V1 = "/api/v1/projects/alpha"

CALLS = {
    # Pages
    "project-list": [("get", _page("project-list"))],
    "project-detail": [("get", _page("project-detail", SLUG))],
    "project-create": [("get", _page("project-create")), ("post", _page("project-create"))],
    "project-settings": [("get", _page("project-settings", SLUG)), ("post", _page("project-settings", SLUG))],
    "guidelines-preview": [("post", _page("guidelines-preview", SLUG))],
    "project-archive": [("post", _page("project-archive", SLUG))],
    "project-purge": [("post", _page("project-purge", SLUG))],
    "trace-list": [("get", _page("trace-list", SLUG))],
    "trace-bulk": [("post", _page("trace-bulk", SLUG))],
    "trace-assist": [("post", _page("trace-assist", SLUG))],
    "trace-edit": [("post", _page("trace-edit", SLUG, lambda w: w["trace"].pk))],
    "run-list": [("get", _page("run-list", SLUG))],
    "import-list": [("get", _page("import-list", SLUG)), ("post", _page("import-list", SLUG))],
    "import-detail": [("get", _page("import-detail", SLUG, lambda w: w["import"].pk))],
    "import-preview": [("post", _page("import-preview", SLUG, lambda w: w["import"].pk))],
    "import-start": [("post", _page("import-start", SLUG, lambda w: w["import"].pk))],
    "import-discard": [("post", _page("import-discard", SLUG, lambda w: w["import"].pk))],
    "import-progress": [("get", _page("import-progress", SLUG, lambda w: w["import"].pk))],
    "segment-start": [("post", _page("segment-start", SLUG))],
    "segment-progress": [("get", _page("segment-progress", SLUG, lambda w: w["run"].pk))],
    "trace-detail": [("get", _page("trace-detail", SLUG, lambda w: w["trace"].pk))],
    "segmenter": [("get", _page("segmenter", SLUG)), ("post", _page("segmenter", SLUG))],
    "segmenter-train": [("post", _page("segmenter-train", SLUG))],
    "segmenter-activate": [
        ("post", _page("segmenter-activate", SLUG, lambda w: w["segmenter_model"].pk))],
    "segmenter-deactivate": [("post", _page("segmenter-deactivate", SLUG))],
    "annotate-queue": [("get", _page("annotate-queue", SLUG)),
                       ("get", lambda w: reverse("annotate-queue", args=[SLUG]) + "?page=2")],
    "annotate-next": [("post", _page("annotate-next", SLUG))],
    "annotate-editor": [("get", _page("annotate-editor", SLUG, ASSIGNMENT))],
    "annotate-revision": [("get", _page("annotate-revision", SLUG, ASSIGNMENT))],
    "annotate-submit": [("post", _page("annotate-submit", SLUG, ASSIGNMENT))],
    "annotate-skip": [("post", _page("annotate-skip", SLUG, ASSIGNMENT))],
    "annotate-edit": [("post", _page("annotate-edit", SLUG, ASSIGNMENT, "undo"))],
    "segmentation-history": [
        ("get", _page("segmentation-history", SLUG, lambda w: w["assignment"].segmentation_id))],
    "review-queue": [("get", _page("review-queue", SLUG))],
    "review-approved": [("get", _page("review-approved", SLUG))],
    "review-editor": [("get", _page("review-editor", SLUG, lambda w: w["submitted"].pk))],
    "review-approve": [("post", _page("review-approve", SLUG, lambda w: w["submitted"].pk))],
    "review-send-back": [("post", _page("review-send-back", SLUG, lambda w: w["submitted"].pk))],
    "review-withdraw": [("post", _page("review-withdraw", SLUG, lambda w: w["approved"].pk))],
    "review-edit": [("post", _page("review-edit", SLUG, lambda w: w["submitted"].pk, "undo"))],
    "adjudication-list": [("get", _page("adjudication-list", SLUG))],
    "adjudication": [("get", _page("adjudication", SLUG, lambda w: w["disputed"].pk, "response"))],
    "adjudication-resolve": [
        ("post", _page("adjudication-resolve", SLUG, lambda w: w["disputed"].pk, "response"))],
    "member-list": [("get", _page("member-list", SLUG))],
    "member-role": [("post", _page("member-role", SLUG, lambda w: w["membership"].pk))],
    "member-remove": [("post", _page("member-remove", SLUG, lambda w: w["membership"].pk))],
    "invitation-create": [("post", _page("invitation-create", SLUG))],
    "invitation-revoke": [
        ("post", _page("invitation-revoke", SLUG, lambda w: w["invitation"].pk))],
    "invitation-accept": [("get", _page("invitation-accept", lambda w: w["raw_invitation"]))],
    "quality-dashboard": [("get", _page("quality-dashboard", SLUG))],
    "segmentation-gold": [
        ("post", _page("segmentation-gold", SLUG, lambda w: w["assignment"].segmentation_id))],
    "member-pause": [("post", _page("member-pause", SLUG, lambda w: w["membership"].pk))],
    "member-screening-reset": [
        ("post", _page("member-screening-reset", SLUG, lambda w: w["membership"].pk))],
    "token-list": [("get", _page("token-list"))],
    "token-revoke": [("post", _page("token-revoke", lambda w: w["token"].pk))],
    "training-job-list": [("get", _page("training-job-list"))],
    "training-job-detail": [("get", _page("training-job-detail", lambda w: w["job"].pk))],
    "training-job-deliver": [("post", _page("training-job-deliver", lambda w: w["job"].pk))],
    "project-training-jobs": [("get", _page("project-training-jobs", SLUG))],
    "project-training-job-pause": [
        ("post", _page("project-training-job-pause", SLUG, lambda w: w["job"].pk))],
    "project-training-job-resume": [
        ("post", _page("project-training-job-resume", SLUG, lambda w: w["job"].pk))],
    "project-training-job-remove": [
        ("post", _page("project-training-job-remove", SLUG, lambda w: w["job"].pk))],
    "dataset-list": [("get", _page("dataset-list", SLUG)), ("post", _page("dataset-list", SLUG))],
    "dataset-detail": [("get", _page("dataset-detail", SLUG, DS)),
                       ("post", _page("dataset-detail", SLUG, DS))],
    "dataset-builder": [("get", _page("dataset-builder", SLUG, DS))],
    "dataset-counts": [("post", _page("dataset-counts", SLUG, DS))],
    "dataset-preview": [("post", _page("dataset-preview", SLUG, DS))],
    "dataset-diff": [("get", lambda w: reverse("dataset-diff", args=[SLUG, DS]) + "?old=1&new=1"),
                     ("get", lambda w: reverse("dataset-diff", args=[SLUG, DS]) + "?old=9&new=1")],
    "dataset-version": [("get", _page("dataset-version", SLUG, DS, 1))],
    "dataset-version-progress": [("get", _page("dataset-version-progress", SLUG, DS, 1))],
    "dataset-file": [("get", _page("dataset-file", SLUG, DS, 1, "README.md"))],
    "assist": [("get", _page("assist", SLUG))],
    "assist-endpoint-add": [("post", _page("assist-endpoint-add", SLUG))],
    "assist-endpoint": [("get", _page("assist-endpoint", SLUG, ENDPOINT))],
    "assist-endpoint-save": [("post", _page("assist-endpoint-save", SLUG, ENDPOINT))],
    "assist-endpoint-try": [("post", _page("assist-endpoint-try", SLUG, ENDPOINT))],
    "assist-job-start": [("post", _page("assist-job-start", SLUG))],
    "assist-job-progress": [("get", _page("assist-job-progress", SLUG, ASSIST_JOB))],
    "assist-job-cancel": [("post", _page("assist-job-cancel", SLUG, ASSIST_JOB))],
    "assist-job-resume": [("post", _page("assist-job-resume", SLUG, ASSIST_JOB))],
    "annotate-proposal": [("post", _page("annotate-proposal", SLUG, ASSIGNMENT,
                                         lambda w: w["proposal"].pk, "accept"))],
    "favicon": [("get", lambda w: "/favicon.ico")],
    # API
    "api-schema": [("get", lambda w: "/api/schema/")],
    "api-docs": [("get", lambda w: "/api/docs/")],
    "api/^v1/": [("get", lambda w: "/api/v1/nothing-here/")],
    "api-index": [("get", lambda w: "/api/v1/")],
    "api-project-list": [("get", lambda w: "/api/v1/projects/"),
                         ("post", lambda w: "/api/v1/projects/")],
    "api-project-detail": [("get", lambda w: API_V1 + "/")],
    "api-project-settings": [("get", lambda w: API_V1 + "/settings/"),
                             ("patch", lambda w: API_V1 + "/settings/")],
    "api-dataset-list": [("get", lambda w: API_V1 + "/datasets/"),
                         ("post", lambda w: API_V1 + "/datasets/")],
    "api-dataset-detail": [("get", lambda w: API_V1 + "/datasets/gsm/")],
    "api-version-list": [("get", lambda w: API_V1 + "/datasets/gsm/versions/")],
    "api-version-latest": [("get", lambda w: API_V1 + "/datasets/gsm/versions/latest/")],
    "api-version-detail": [("get", lambda w: API_V1 + "/datasets/gsm/versions/1/")],
    "api-version-file": [("get", lambda w: API_V1 + "/datasets/gsm/versions/1/files/README.md")],
    "api-trace-list": [("get", lambda w: API_V1 + "/traces/")],
    "api-trace-detail": [("get", lambda w: f"{API_V1}/traces/{w['trace'].pk}/")],
    "api-import-list": [("get", lambda w: API_V1 + "/imports/"),
                        ("post", lambda w: API_V1 + "/imports/")],
    "api-import-detail": [("get", lambda w: f"{API_V1}/imports/{w['import'].pk}/")],
    "api-quality": [("get", lambda w: API_V1 + "/quality/")],
    "api-segmentation-gold": [
        ("post", lambda w: f"{API_V1}/segmentations/{w['assignment'].segmentation_id}/gold/")],
    "api-segmenter-model-list": [("get", lambda w: API_V1 + "/segmenter-models/"),
                                 ("post", lambda w: API_V1 + "/segmenter-models/")],
    "api-segmenter-model-detail": [
        ("get", lambda w: f"{API_V1}/segmenter-models/{w['segmenter_model'].pk}/")],
    "api-training-job-list": [("get", lambda w: "/api/v1/training-jobs/"),
                              ("post", lambda w: "/api/v1/training-jobs/")],
    "api-training-job-detail": [("get", lambda w: f"/api/v1/training-jobs/{w['job'].pk}/"),
                                ("patch", lambda w: f"/api/v1/training-jobs/{w['job'].pk}/")],
    "api-training-job-deliver": [
        ("post", lambda w: f"/api/v1/training-jobs/{w['job'].pk}/deliver/")],
    "api-delivery-list": [("get", lambda w: f"/api/v1/training-jobs/{w['job'].pk}/deliveries/")],
    "api-delivery-detail": [
        ("get", lambda w: f"/api/v1/training-jobs/{w['job'].pk}/deliveries/999999/")],
    "api-project-training-job-list": [("get", lambda w: API_V1 + "/training-jobs/")],
    "api-project-training-job-detail": [
        ("get", lambda w: f"{API_V1}/training-jobs/{w['job'].pk}/"),
        ("delete", lambda w: f"{API_V1}/training-jobs/{w['job'].pk}/")],
    "api-project-training-job-pause": [
        ("post", lambda w: f"{API_V1}/training-jobs/{w['job'].pk}/pause/")],
    "api-project-training-job-resume": [
        ("post", lambda w: f"{API_V1}/training-jobs/{w['job'].pk}/resume/")],
    "api-assist-endpoint-list": [("get", lambda w: API_V1 + "/assist/endpoints/"),
                                 ("post", lambda w: API_V1 + "/assist/endpoints/")],
    "api-assist-endpoint-detail": [
        ("get", lambda w: f"{API_V1}/assist/endpoints/{w['endpoint'].pk}/"),
        ("patch", lambda w: f"{API_V1}/assist/endpoints/{w['endpoint'].pk}/")],
    "api-assist-endpoint-try-it": [
        ("post", lambda w: f"{API_V1}/assist/endpoints/{w['endpoint'].pk}/try/")],
    "api-assist-job-list": [("get", lambda w: API_V1 + "/assist/jobs/"),
                            ("post", lambda w: API_V1 + "/assist/jobs/")],
    "api-assist-job-detail": [("get", lambda w: f"{API_V1}/assist/jobs/{w['assist_job'].pk}/")],
    "api-assist-job-cancel": [
        ("post", lambda w: f"{API_V1}/assist/jobs/{w['assist_job'].pk}/cancel/")],
}


def _is_api(name: str) -> bool:
    return name.startswith("api")


def _client(world, api: bool, principal: str):
    """One client per principal, signed in once (outside the rolled-back savepoints)."""
    key = (api, principal)
    if key not in world["clients"]:
        if api:
            client = APIClient()
            if principal != "anonymous":
                client.credentials(HTTP_AUTHORIZATION="Bearer " + world["credentials"][principal])
        else:
            client = Client()
            if principal != "anonymous":
                client.force_login(world["users"][principal])
        world["clients"][key] = client
    return world["clients"][key]


def _call(client, name: str, method: str, path: str) -> int:
    if _is_api(name) and method in ("post", "patch"):
        return getattr(client, method)(path, {}, format="json").status_code
    return getattr(client, method)(path).status_code


def _observed(world, name: str, method: str, path: str) -> tuple[int, ...]:
    """The status each principal gets, each call in a savepoint that is rolled back."""
    statuses = []
    for principal in API_PRINCIPALS if _is_api(name) else PAGE_PRINCIPALS:
        client = _client(world, _is_api(name), principal)
        with transaction.atomic():
            statuses.append(_call(client, name, method, path))
            transaction.set_rollback(True)
    return tuple(statuses)


def test_every_url_pattern_is_in_the_table():
    routed = url_names()
    assert routed - set(EXPECTED) == set(), "URL patterns nobody declared access for"
    assert set(EXPECTED) - routed == set(), "the table names URL patterns that no longer exist"
    assert set(CALLS) == set(EXPECTED)


def test_every_principal_gets_the_declared_status_from_every_url(world):
    wrong = []
    for name, calls in CALLS.items():
        for (method, path_of), expected in zip(calls, EXPECTED[name]):
            got = _observed(world, name, method, path_of(world))
            if got != expected:
                wrong.append(f"{method.upper()} {name}: expected {expected}, got {got}")
    assert wrong == []
