"""The Training jobs page: a trainer's jobs with their deliveries; deliver again on request."""

from __future__ import annotations

import pytest

from curation.models import Delivery
from curation.services.delivery.training_jobs import register_job


@pytest.fixture
def browser(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def job(lead, dataset):
    return register_job(owner=lead, dataset=dataset, name="grpo-nightly", storage_target="runs")


def test_the_list_shows_each_job_with_its_last_delivery(browser, job, version):
    Delivery.objects.create(job=job, version=version, outcome=Delivery.Outcome.DELIVERED)

    page = browser.get("/training-jobs/").content.decode()

    assert "grpo-nightly" in page and "each new version" in page
    assert "v1: " in page and "delivered" in page


def test_a_job_page_lists_every_attempt(browser, job, version):
    for attempt, outcome in [(1, "retrying"), (2, "delivered")]:
        Delivery.objects.create(job=job, version=version, attempt=attempt, outcome=outcome)

    response = browser.get(f"/training-jobs/{job.pk}/")

    assert [d.attempt for d in response.context["deliveries"]] == [2, 1]


def test_deliver_now_queues_the_latest_version(
    browser, job, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(f"/training-jobs/{job.pk}/deliver/")

    assert Delivery.objects.get(job=job).outcome == Delivery.Outcome.DELIVERED


def test_deliver_now_without_a_published_version_says_so(browser, job):
    response = browser.post(f"/training-jobs/{job.pk}/deliver/", follow=True)

    assert "no published version" in response.content.decode()


def test_someone_elses_job_is_404(client, outsider, job):
    client.force_login(outsider)

    assert client.get(f"/training-jobs/{job.pk}/").status_code == 404
