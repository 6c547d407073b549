"""``Authorization: Bearer sw_...``: a personal API token, looked up by its SHA-256."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from curation.services.people import tokens

KEYWORDS = {b"bearer", b"token"}  # "Token" too, as DRF's own token scheme spells it


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # not ours: the session may still authenticate the browser
        if len(parts) != 2:
            raise AuthenticationFailed("Send the header as 'Authorization: Bearer <token>'.")
        token = tokens.authenticate(parts[1].decode("latin-1"))
        if token is None:
            raise AuthenticationFailed("Unknown or revoked token.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes an anonymous call answer 401 with a challenge rather than 403.
        return 'Bearer realm="stepwise"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token from Settings › API tokens.",
        }
