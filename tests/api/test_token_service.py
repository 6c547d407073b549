"""Tokens: made once, stored as a hash, revoked for good."""

from __future__ import annotations

import hashlib

import pytest

from curation.models import ApiToken
from curation.services.people import tokens


def test_only_the_hash_of_a_new_token_is_stored(lead):
    token, raw = tokens.create_token(user=lead, name="cluster")

    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert not ApiToken.objects.filter(token_hash=raw).exists()
    assert raw.startswith("sw_") and token.prefix == raw[:10]


def test_a_token_authenticates_as_its_user(lead):
    _, raw = tokens.create_token(user=lead, name="cluster")

    assert tokens.authenticate(raw).user == lead


def test_a_revoked_token_no_longer_authenticates(lead):
    token, raw = tokens.create_token(user=lead, name="cluster")

    tokens.revoke_token(token=token)

    assert tokens.authenticate(raw) is None


def test_a_token_of_a_deactivated_user_does_not_authenticate(lead):
    _, raw = tokens.create_token(user=lead, name="cluster")
    lead.is_active = False
    lead.save()

    assert tokens.authenticate(raw) is None


def test_using_a_token_records_when(lead):
    token, raw = tokens.create_token(user=lead, name="cluster")

    tokens.authenticate(raw)

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_cannot_be_restricted_to_a_project_one_does_not_belong_to(lead, other_project):
    with pytest.raises(tokens.TokenError):
        tokens.create_token(user=lead, name="sneaky", project=other_project)


def test_an_unknown_scope_is_refused(lead):
    with pytest.raises(tokens.TokenError):
        tokens.create_token(user=lead, name="x", scope="admin")
