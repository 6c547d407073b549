"""check_url: what may be registered as a webhook or model endpoint URL."""
from __future__ import annotations

import ipaddress

import pytest

from curation.outbound import OutboundRefused, address_problem, check_url, parse_allowlist

from .servers import ScriptedResolver

PUBLIC = ScriptedResolver(["93.184.216.34"])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8199/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8199/",
        "http://0.0.0.0:8199/",
        "http://10.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
        "http://[2002:7f00:1::]/",  # 6to4 carrying 127.0.0.1
        "http://[64:ff9b::a00:1]/",  # NAT64 carrying 10.0.0.1
        "http://[::]/",
    ],
)
def test_non_public_address_literals_are_refused(url):
    with pytest.raises(OutboundRefused, match="refused by policy"):
        check_url(url, resolver=PUBLIC)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://a/", "//x/", "http:///x"])
def test_only_http_and_https_with_a_host_are_accepted(url):
    with pytest.raises(OutboundRefused):
        check_url(url, resolver=PUBLIC)


def test_localhost_is_refused_by_what_it_resolves_to():
    with pytest.raises(OutboundRefused, match="loopback"):
        check_url("http://localhost:8199/")  # the machine's real resolver


def test_metadata_name_resolving_to_link_local_is_refused_without_showing_the_address():
    resolver = ScriptedResolver(["169.254.169.254"])
    with pytest.raises(OutboundRefused) as refused:
        check_url("http://metadata.google.internal/computeMetadata/v1/", resolver=resolver)
    assert "link-local" in str(refused.value)
    assert "169.254" not in str(refused.value)


def test_public_name_whose_dns_answer_is_private_is_refused():
    resolver = ScriptedResolver(["10.1.2.3"])
    with pytest.raises(OutboundRefused, match="private"):
        check_url("https://hooks.example.com/x", resolver=resolver)


def test_one_private_address_among_public_ones_is_enough_to_refuse():
    resolver = ScriptedResolver(["93.184.216.34", "127.0.0.1"])
    with pytest.raises(OutboundRefused, match="loopback"):
        check_url("https://hooks.example.com/x", resolver=resolver)


def test_unresolvable_host_is_refused():
    with pytest.raises(OutboundRefused, match="could not be resolved"):
        check_url("https://nowhere.invalid/", resolver=ScriptedResolver([]))


def test_public_name_is_accepted():
    assert check_url("https://hooks.example.com/x", resolver=PUBLIC) is None


def test_allowlisted_range_and_host_are_accepted():
    allow = parse_allowlist("127.0.0.0/8, models.internal, .corp.example")
    check_url("http://127.0.0.1:8199/", allow)
    check_url("http://models.internal/", allow, resolver=ScriptedResolver(["10.0.0.5"]))
    check_url("http://gpu.corp.example/", allow, resolver=ScriptedResolver(["10.0.0.6"]))
    with pytest.raises(OutboundRefused):
        check_url("http://10.0.0.1/", allow)


def test_allowlist_never_allows_the_unspecified_address():
    with pytest.raises(OutboundRefused, match="unspecified"):
        check_url("http://0.0.0.0/", parse_allowlist("0.0.0.0/0"))


def test_parse_allowlist_reads_the_comma_separated_setting():
    allow = parse_allowlist(" a.example ,, 10.0.0.0/8,[::1], 192.168.1.7 ")
    assert allow.hosts == {"a.example"}
    assert ipaddress.ip_address("::1") in allow.networks[1]
    assert parse_allowlist("") == parse_allowlist(None)


def test_parse_allowlist_names_a_bad_entry():
    with pytest.raises(ValueError, match="http://x"):
        parse_allowlist("ok.example, http://x")


def test_public_addresses_have_no_problem():
    assert address_problem(ipaddress.ip_address("8.8.8.8")) is None
    assert address_problem(ipaddress.ip_address("2606:4700::1111")) is None
