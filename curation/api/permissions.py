"""A token's scope: ``read`` tokens read, ``write`` tokens also create and change things."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from curation.api.access import token_of
from curation.models import ApiToken


class TokenScope(BasePermission):
    message = "This token may only read: writing needs a token with the write scope."

    def has_permission(self, request, view) -> bool:
        token = token_of(request)
        # A browser session is its user, with no narrower scope.
        return (
            token is None or request.method in SAFE_METHODS or token.scope == ApiToken.Scope.WRITE
        )
