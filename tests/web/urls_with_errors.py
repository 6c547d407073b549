"""The app's URLs plus views that fail on purpose, for the error-page tests."""
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import include, path


def fail(exception):
    def view(request):
        raise exception
    return view


urlpatterns = [
    path("boom/404/", fail(Http404("no such thing"))),
    path("boom/403/", fail(PermissionDenied())),
    path("boom/400/", fail(SuspiciousOperation("bad"))),
    path("boom/500/", fail(RuntimeError("kaput"))),
    path("", include("webapp.urls")),
]
