"""Personal API tokens: made once, shown once, stored as a SHA-256, revoked by their owner.

A token is ``sw_`` followed by 43 URL-safe characters (256 random bits). Only its hash is kept,
so a leaked database gives nobody a working token; a plain SHA-256 (no salt, no slow hash)
is enough because the token itself carries 256 bits of entropy, and it keeps the lookup to one
indexed equality on every API request.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from curation.models import ApiToken, Membership, Project
from curation.services.annotation import rawsql

TOKEN_PREFIX = "sw_"
SHOWN_PREFIX_LENGTH = 10  # "sw_" and 7 characters: enough to tell one's tokens apart
# last_used_at is a hint for the settings page, not an audit log: writing it on every request
# would turn each read into a write, so it is refreshed at most this often.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token that cannot be made as asked; the message says why."""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_token(
    *, user, name: str, scope: str = ApiToken.Scope.READ, project: Project | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token itself, which is never stored."""
    if scope not in ApiToken.Scope.values:
        raise TokenError(f"{scope!r} is not a scope (one of {', '.join(ApiToken.Scope.values)}).")
    if project is not None and not _belongs(user, project):
        raise TokenError("A token can only be restricted to a project you belong to.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip() or "token",
        prefix=raw[:SHOWN_PREFIX_LENGTH],
        token_hash=hash_token(raw),
        scope=scope,
        project=project,
    )
    return token, raw


def _belongs(user, project: Project) -> bool:
    return user.is_superuser or Membership.objects.filter(project=project, user=user).exists()


def tokens_of(user):
    return ApiToken.objects.filter(user=user).select_related("project")


def revoke_token(*, token: ApiToken) -> ApiToken:
    """Revoke at once; the row stays so the settings page can show when it was revoked."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate(raw: str) -> ApiToken | None:
    """The live token ``raw`` stands for (with its user loaded), or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    row = rawsql.fetch_one(_live_token_sql(), [hash_token(raw)])
    if row is None:
        return None
    size = len(ApiToken._meta.concrete_fields)
    token = rawsql.load(ApiToken, row[:size])
    token.user = rawsql.load(get_user_model(), row[size:])
    _touch(token)
    return token


@functools.cache
def _live_token_sql() -> str:
    """The token by its hash, not revoked, with its active user: one statement written out,
    since every API request runs it and the ORM spent more CPU building it (about 1 ms) than
    the database spends answering (rawsql's reason, docs/BENCHMARKS.md)."""
    user = get_user_model()
    return (
        f"SELECT {rawsql.all_columns(ApiToken, 't')}, {rawsql.all_columns(user, 'u')}"
        f" FROM {rawsql.table(ApiToken)} t JOIN {rawsql.table(user)} u"
        f" ON {rawsql.column(user, 'id', 'u')} = {rawsql.column(ApiToken, 'user', 't')}"
        f" WHERE {rawsql.column(ApiToken, 'token_hash', 't')} = %s"
        f" AND {rawsql.column(ApiToken, 'revoked_at', 't')} IS NULL"
        f" AND {rawsql.column(user, 'is_active', 'u')}"
    )


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
