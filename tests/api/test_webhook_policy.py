"""Webhooks cannot reach inside the network (SSRF): refused at registration, refused again at
sending when the name turned private since, and a delivery never shows what a receiver said."""

from __future__ import annotations

import pytest

from curation.models import Delivery, TrainingJob
from curation.outbound import policy
from curation.services.delivery.training_jobs import WebhookRefused, register_job
from curation.tasks import deliver_version
from tests.api.conftest import SECRET, client_with, token_for
from tests.api.webhook_receiver import WebhookReceiver

URL = "/api/v1/training-jobs/"
INTERNAL = [
    "http://127.0.0.1:8199/secret",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://localhost:8000/",
    "http://[::1]/hook",
    "http://0.0.0.0/hook",
    "http://10.0.0.1/hook",
]


@pytest.fixture
def writer(lead):
    from curation.models import ApiToken

    return client_with(token_for(lead, ApiToken.Scope.WRITE))


def register(client, url: str):
    body = {"name": "probe", "dataset": "alpha/gsm-steps", "webhook_url": url}
    return client.post(URL, body, format="json")


@pytest.fixture
def resolver(monkeypatch):
    """Name -> address answers the guarded client sees, changeable during a test."""
    answers: dict[str, str] = {}

    def resolve(host: str, port: int) -> list[str]:
        if host not in answers:
            raise OSError("no such host")
        return [answers[host]]

    monkeypatch.setattr(policy, "system_resolver", resolve)
    return answers


@pytest.mark.parametrize("url", INTERNAL)
def test_registering_an_internal_webhook_is_refused_with_a_clear_error(writer, dataset, url):
    response = register(writer, url)

    assert response.status_code == 400
    [message] = response.json()["error"]["fields"]["webhook_url"]
    assert "not allowed" in message
    assert not TrainingJob.objects.exists()


@pytest.mark.parametrize("url", INTERNAL)
def test_the_service_refuses_internal_webhooks_too(lead, dataset, url):
    with pytest.raises(WebhookRefused):
        register_job(owner=lead, dataset=dataset, name="probe", webhook_url=url)


def test_ftp_and_file_urls_are_refused(lead, dataset):
    for url in ("ftp://example.com/x", "file:///etc/passwd"):
        with pytest.raises(WebhookRefused):
            register_job(owner=lead, dataset=dataset, name="probe", webhook_url=url)


def test_the_operators_allowlist_admits_a_private_receiver(settings, writer, dataset):
    settings.STEPWISE_OUTBOUND_ALLOW = "127.0.0.1, 10.0.0.0/8"

    assert register(writer, "http://127.0.0.1:8199/hook").status_code == 201
    assert register(writer, "http://10.0.0.1/hook").status_code == 201


def test_a_name_that_turns_private_after_registration_is_refused_at_sending(
    resolver, lead, dataset, version
):
    receiver = WebhookReceiver(secret=SECRET)  # on loopback, which nobody allowed
    server, loopback_url = receiver.serve()
    port = server.server_address[1]
    resolver["trainer.example"] = "93.184.216.34"  # public when registered
    job = register_job(
        owner=lead, dataset=dataset, name="rebind", webhook_url=f"http://trainer.example:{port}/hook"
    )
    resolver["trainer.example"] = "127.0.0.1"  # ... and loopback when the worker sends
    try:
        deliver_version.delay(job.pk, version.pk)
    finally:
        server.shutdown()
        server.server_close()

    [delivery] = Delivery.objects.filter(job=job)
    assert receiver.received == []
    assert delivery.outcome == "failed"  # a refusal is not retried
    assert delivery.detail.startswith("refused by policy:")


def test_a_delivery_keeps_status_and_timing_never_the_receivers_body(
    receiver, lead_writer, lead, dataset, version, client
):
    receiver.statuses = [404]  # the receiver answers "try later" with it
    job = register_job(
        owner=lead, dataset=dataset, name="hook", webhook_url=receiver.url, secret=SECRET
    )

    deliver_version.delay(job.pk, version.pk)

    delivery = Delivery.objects.get(job=job)
    assert (delivery.outcome, delivery.response_status) == ("failed", 404)
    assert delivery.detail == "could not deliver: the server answered with an error status (404)"
    assert delivery.elapsed_ms is not None and delivery.elapsed_ms >= 0
    api = lead_writer.get(f"{URL}{job.pk}/deliveries/").content.decode()
    client.force_login(lead)
    page = client.get(f"/training-jobs/{job.pk}/").content.decode()
    assert "try later" not in api and "try later" not in page
    assert "error status (404)" in page
