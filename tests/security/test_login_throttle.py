"""Login throttling (issue 12): wrong passwords lock an account and an address, the right
password is refused until the cool-off has passed, the admin's login the same, and the wait
grows with persistence."""
from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import RequestFactory
from django.utils import timezone

from curation.login_throttle import cool_off


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_FAILURE_LIMIT = 10
    settings.STEPWISE_LOGIN_COOLOFF_SECONDS = 300
    settings.STEPWISE_LOGIN_COOLOFF_MAX_SECONDS = 3600


@pytest.fixture
def victim(django_user_model):
    return django_user_model.objects.create_user(username="vera", password="right-horse-battery")


def _log_in(client, username, password, path="/login/", address="10.1.1.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def _forget_failures(by: timedelta) -> None:
    """As if the failures had happened ``by`` earlier."""
    for model in (AccessAttempt, AccessFailureLog):
        for row in model.objects.all():
            model.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - by)


def test_300_wrong_passwords_are_not_all_answered(client, victim):
    statuses = [_log_in(client, "vera", f"guess-{n}").status_code for n in range(300)]
    assert statuses[:9] == [200] * 9  # the form again, with its error
    assert statuses[9:] == [429] * 291
    locked = _log_in(client, "vera", "guess-x")
    assert b"Too many failed logins" in locked.content
    assert int(locked["Retry-After"]) > 0


def test_the_right_password_is_refused_until_the_cool_off_has_passed(client, victim):
    for n in range(10):
        _log_in(client, "vera", f"guess-{n}")
    refused = _log_in(client, "vera", "right-horse-battery")
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    _forget_failures(timedelta(days=2))
    accepted = _log_in(client, "vera", "right-horse-battery")
    assert accepted.status_code == 302
    assert client.session["_auth_user_id"] == str(victim.pk)


def test_an_account_is_locked_whatever_the_address(client, victim):
    for n in range(10):
        _log_in(client, "vera", f"guess-{n}", address=f"10.2.0.{n}")
    assert _log_in(client, "vera", "right-horse-battery", address="10.9.9.9").status_code == 429


def test_an_address_is_locked_whatever_the_account(client, victim):
    for n in range(10):
        _log_in(client, f"someone-{n}", "guess", address="10.3.3.3")
    assert _log_in(client, "vera", "right-horse-battery", address="10.3.3.3").status_code == 429
    assert _log_in(client, "vera", "right-horse-battery", address="10.4.4.4").status_code == 302


def test_the_admin_login_is_throttled_the_same(client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", "right-horse-battery")
    statuses = [
        _log_in(client, "root", f"guess-{n}", path="/admin/login/").status_code for n in range(30)
    ]
    assert statuses[:9] == [200] * 9
    assert set(statuses[9:]) == {429}
    assert _log_in(client, "root", "right-horse-battery", path="/admin/login/").status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_cool_off_grows_with_persistence_up_to_its_ceiling(db):
    def wait_after(failures: int) -> timedelta:
        AccessFailureLog.objects.all().delete()
        AccessFailureLog.objects.bulk_create(
            AccessFailureLog(
                username="vera", ip_address="10.5.5.5", user_agent="t", http_accept="*/*",
                path_info="/login/", attempt_time=timezone.now(), locked_out=False,
            )
            for _ in range(failures)
        )
        request = RequestFactory().post("/login/", {"username": "vera"})
        request.axes_ip_address = "10.5.5.5"
        return cool_off(request)

    assert wait_after(0) == wait_after(10) == wait_after(19) == timedelta(minutes=5)
    assert wait_after(20) == timedelta(minutes=10)
    assert wait_after(30) == timedelta(minutes=20)
    assert wait_after(300) == timedelta(hours=1)


def test_failures_older_than_a_day_no_longer_lengthen_the_wait(db):
    AccessFailureLog.objects.bulk_create(
        AccessFailureLog(
            username="vera", ip_address="10.6.6.6", user_agent="t", http_accept="*/*",
            path_info="/login/", attempt_time=timezone.now(), locked_out=True,
        )
        for _ in range(100)
    )
    AccessFailureLog.objects.update(attempt_time=timezone.now() - timedelta(days=2))
    request = RequestFactory().post("/login/", {"username": "vera"})
    request.axes_ip_address = "10.6.6.6"
    assert cool_off(request) == timedelta(minutes=5)
