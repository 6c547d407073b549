"""One error body for every API failure:

    {"error": {"status": 404, "code": "not_found", "message": "No such dataset.", "fields": {}}}

``fields`` maps input names to their messages on a 400; ``code`` is DRF's machine-readable code
(``not_authenticated``, ``permission_denied``, ``throttled``, ``invalid``, ...).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from curation.api.throttling import refused_credentials


def error_body(status: int, code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or {}}}


def error_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler (it knows Http404 and PermissionDenied too), reshaped into the one body.
    Anything else is a bug: it stays a 500 and reaches Django's logging untouched."""
    exc = refused_credentials(exc, context.get("request"), context.get("view"))
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            response.status_code, "invalid", "The request is not valid.", _fields(exc.detail)
        )
    else:
        detail = getattr(exc, "detail", None) or str(exc) or "Error."
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = error_body(response.status_code, code, str(detail))
    return response


def _fields(detail) -> dict:
    if isinstance(detail, dict):
        return {
            name: messages if isinstance(messages, (list, dict)) else [messages]
            for name, messages in detail.items()
        }
    return {"non_field_errors": detail if isinstance(detail, list) else [detail]}


@csrf_exempt  # an answer to any method, and it changes nothing
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """API paths that match no endpoint answer JSON too, not the HTML 404 page."""
    message = "No such endpoint (API paths end with a slash, files excepted)."
    return JsonResponse(error_body(404, "not_found", message), status=404)
