"""The guarded clients against real servers on loopback."""
from __future__ import annotations

import httpcore
import pytest

from curation.outbound import (
    AsyncOutboundClient, OutboundClient, OutboundError, parse_allowlist, parse_retry_after,
)

from .servers import ScriptedResolver, client_tls_context, run_async, serve

LOOPBACK = parse_allowlist("127.0.0.1")


def test_internal_service_is_refused_at_sending_and_its_reply_never_shown():
    with serve(body=b"internal secret") as server, OutboundClient() as client:
        delivery = client.post_json(f"http://127.0.0.1:{server.server_port}/secret", {"v": 1})
    assert not delivery.ok and delivery.category == "refused-by-policy"
    assert server.seen == []
    assert "secret" not in delivery.message


def test_allowlisted_loopback_is_delivered_with_status_and_timing_only():
    with serve(status=202) as server, OutboundClient(LOOPBACK) as client:
        delivery = client.post_json(f"http://127.0.0.1:{server.server_port}/hook", {"v": 1})
    assert delivery.ok and delivery.status == 202 and delivery.elapsed_ms > 0
    assert server.seen == [("POST", "/hook", f"127.0.0.1:{server.server_port}")]
    assert not hasattr(delivery, "body")


def test_redirect_is_not_followed():
    with serve() as target, serve(status=302, headers={"Location": "http://127.0.0.1:1/"}) as server:
        redirect = f"http://127.0.0.1:{target.server_port}/secret"
        server.reply = (302, {"Location": redirect}, b"")
        with OutboundClient(LOOPBACK) as client:
            delivery = client.post_json(f"http://127.0.0.1:{server.server_port}/hook", {})
    assert not delivery.ok and delivery.status == 302 and delivery.category == "redirect-not-followed"
    assert len(server.seen) == 1 and target.seen == []


def test_closed_port_reads_as_a_generic_connection_error():
    with serve() as server:
        port = server.server_port
    with OutboundClient(LOOPBACK) as client:
        delivery = client.post_json(f"http://127.0.0.1:{port}/", {})
    assert delivery.category == "connection-error"
    assert delivery.message == "could not deliver: connection error"


def test_error_status_is_reported_without_the_body():
    with serve(status=500, body=b"stack trace with secrets") as server, OutboundClient(LOOPBACK) as client:
        delivery = client.post_json(f"http://127.0.0.1:{server.server_port}/", {})
    assert delivery.status == 500 and delivery.category == "http-status"
    assert "secrets" not in delivery.message


def test_registration_passes_but_sending_rechecks_a_changed_dns_answer():
    from curation.outbound import check_url

    resolver = ScriptedResolver(["93.184.216.34"], ["10.0.0.1"])
    check_url("http://hooks.example.com/", resolver=resolver)
    with OutboundClient(resolver=resolver) as client:
        delivery = client.post_json("http://hooks.example.com/", {})
    assert delivery.category == "refused-by-policy"


def test_dns_rebinding_is_checked_once_and_the_checked_address_is_connected():
    # First answer allowed (127.0.0.1 is allowlisted), any later one private: a second lookup
    # at connect time would be refused, and a connection elsewhere would not reach the server.
    resolver = ScriptedResolver(["127.0.0.1"], ["10.0.0.1"])
    with serve() as server, OutboundClient(LOOPBACK, resolver=resolver) as client:
        delivery = client.post_json(f"http://hooks.example.com:{server.server_port}/x", {})
    assert delivery.ok, delivery
    assert resolver.calls == ["hooks.example.com"]
    assert server.seen[0][2] == f"hooks.example.com:{server.server_port}"  # Host header kept


class _RecordingBackend(httpcore.SyncBackend):
    def __init__(self):
        self.connected = []

    def connect_tcp(self, host, port, *args, **kwargs):
        self.connected.append(host)
        raise httpcore.ConnectError("recorded")


def test_socket_goes_to_the_vetted_public_address_not_a_second_lookup():
    from curation.outbound.transport import GuardedTransport
    import httpx

    resolver = ScriptedResolver(["93.184.216.34"], ["127.0.0.1"])
    inner = _RecordingBackend()
    with httpx.Client(transport=GuardedTransport(parse_allowlist(""), resolver=resolver, inner=inner)) as c:
        with pytest.raises(httpx.ConnectError):
            c.get("http://rebind.example.com/")
    assert inner.connected == ["93.184.216.34"] and resolver.calls == ["rebind.example.com"]


def test_tls_verifies_the_host_name_while_connecting_to_the_pinned_address():
    resolver = ScriptedResolver(["127.0.0.1"])
    with serve(tls=True) as server:
        url = f"https://webhook.test:{server.server_port}/hook"
        with OutboundClient(LOOPBACK, resolver=resolver, verify=client_tls_context()) as client:
            assert client.post_json(url, {}).ok
        wrong_name = f"https://other.test:{server.server_port}/hook"
        with OutboundClient(LOOPBACK, resolver=resolver, verify=client_tls_context()) as client:
            assert client.post_json(wrong_name, {}).category == "connection-error"


def test_async_client_returns_json_and_caps_the_size():
    async def main():
        with serve(body=b'{"a": [1, 2, 3]}', headers={"Content-Type": "application/json"}) as server:
            url = f"http://127.0.0.1:{server.server_port}/v1"
            async with AsyncOutboundClient(LOOPBACK) as client:
                reply = await client.request_json("POST", url, json={"q": 1})
                assert reply.data == {"a": [1, 2, 3]} and reply.status == 200
                with pytest.raises(OutboundError) as too_large:
                    await client.request_json("POST", url, json={}, max_bytes=5)
                assert too_large.value.category == "response-too-large"

    run_async(main)


def test_async_client_refuses_private_targets_and_reports_status_with_retry_after():
    async def main():
        async with AsyncOutboundClient() as client:
            with pytest.raises(OutboundError) as refused:
                await client.request_json("GET", "http://169.254.169.254/latest/")
            assert refused.value.category == "refused-by-policy"
        with serve(status=429, headers={"Retry-After": "3"}, body=b"slow down") as server:
            async with AsyncOutboundClient(LOOPBACK) as client:
                with pytest.raises(OutboundError) as limited:
                    await client.request_json("GET", f"http://127.0.0.1:{server.server_port}/")
        assert limited.value.status == 429 and limited.value.retry_after == 3.0
        assert "slow down" not in str(limited.value)

    run_async(main)


def test_retry_after_reads_seconds_and_http_dates():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert parse_retry_after("soon") is None
