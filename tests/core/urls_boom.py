"""The site's URLs plus one that fails, to see the 500 page (tests only)."""

from django.urls import path

from archive.urls import handler404, handler500  # noqa: F401
from archive.urls import urlpatterns as site_patterns


def boom(request):
    raise RuntimeError("a deliberate failure for the 500 page test")


urlpatterns = [path("boom/", boom), *site_patterns]
