"""The app's own error pages (400, 403, 404, 500) in every mode, DEBUG=1 included.

With DEBUG off Django renders ``templates/<code>.html`` itself. With DEBUG on (the embedded
default of ``make run``) it would show its technical pages to every user, so this middleware
renders the same templates instead, unless ``STEPWISE_DEBUG_PAGES=1`` asks for Django's
technical pages while debugging. API paths keep their JSON errors. A 500 is still logged
with its traceback.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

log = logging.getLogger("django.request")

STATUS_FOR = (
    (Http404, 404),
    (PermissionDenied, 403),
    ((BadRequest, SuspiciousOperation, MultiPartParserError), 400),
)


def error_page(status: int) -> HttpResponse:
    """The app's page for ``status``; rendered without the request, as Django's 500 is."""
    return HttpResponse(render_to_string(f"{status}.html"), status=status)


def status_for(exception: Exception) -> int:
    for kinds, status in STATUS_FOR:
        if isinstance(exception, kinds):
            return status
    return 500


class AppErrorPages:
    """In DEBUG, answer view exceptions and unknown URLs with the app's pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No view matched (the resolver's 404 never reaches process_exception).
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and _replacing(request)
        ):
            return error_page(404)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _replacing(request):
            return None
        status = status_for(exception)
        if status == 500:
            log.error("Internal Server Error: %s", request.path, exc_info=exception)
        return error_page(status)


def _replacing(request: HttpRequest) -> bool:
    """True where Django would show a technical page a user should not see."""
    return (
        settings.DEBUG
        and not getattr(settings, "STEPWISE_DEBUG_PAGES", False)
        and not request.path.startswith(("/api/", "/static/"))
    )
