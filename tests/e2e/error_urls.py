"""The site's URLs plus two that fail on purpose, so the page-validity tests
(test_validity.py) can check the 403 and 500 pages a reader would see."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from archive.urls import handler404, handler500
from archive.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("A page that fails on purpose (tests/e2e/test_validity.py).")


urlpatterns = [
    path("test-errors/403/", _forbidden),
    path("test-errors/500/", _broken),
    *site_urlpatterns,
]
