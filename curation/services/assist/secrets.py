"""Endpoints' API keys at rest: Fernet tokens, decrypted only when a job or a check needs them.

The key is ``STEPWISE_ENCRYPTION_KEY`` (a Fernet key) or, when unset, one derived from
``SECRET_KEY`` with HKDF (so nothing new to configure; rotating SECRET_KEY then makes stored
keys unreadable, and the lead enters them again). A stored key is never sent back to a page.
"""
from __future__ import annotations

import base64
import os

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from curation.models import ModelEndpoint

_SALT = b"stepwise:model-endpoint-api-keys"


def _fernet() -> Fernet:
    configured = settings.STEPWISE_ENCRYPTION_KEY
    if configured:
        return Fernet(configured)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=b"fernet").derive(
        settings.SECRET_KEY.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt_key(api_key: str) -> str:
    return _fernet().encrypt(api_key.encode("utf-8")).decode("ascii")


def decrypt_key(token: str) -> str | None:
    """The key, or None when it cannot be read (the encryption key changed)."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return None


def api_key_for(endpoint: ModelEndpoint) -> str | None:
    """The key a request to ``endpoint`` sends: its environment variable's, else the stored one."""
    if endpoint.api_key_env:
        return os.environ.get(endpoint.api_key_env) or None
    if endpoint.api_key_encrypted:
        return decrypt_key(endpoint.api_key_encrypted)
    return None
