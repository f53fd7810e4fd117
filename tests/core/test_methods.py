"""Methods no page serves answer 405, on every URL pattern of the archive."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from stories.core.middleware import AllowedMethodsMiddleware

pytestmark = pytest.mark.django_db


def _paths(patterns=None, prefix: str = "") -> list[str]:
    """A concrete path for every URL pattern (each converter filled with a sample)."""
    samples = {"int": "1", "str": "x", "slug": "x", "path": "x"}
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            path = prefix + route
            for name, converter in entry.pattern.converters.items():
                kind = type(converter).__name__.replace("Converter", "").lower()
                path = path.replace(f"<{kind}:{name}>", samples.get(kind, "1")).replace(f"<{name}>", "x")
            found.append("/" + path.lstrip("^").rstrip("$"))
    return found


def test_every_url_is_walked():
    paths = _paths()
    assert "/" in paths and "/works/1/" in paths and len(paths) > 40


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH", "CONNECT", "BREW"])
def test_methods_no_page_serves_answer_405(client, method, reader):
    client.force_login(reader)
    for path in _paths():
        if method in ("PUT", "DELETE") and AllowedMethodsMiddleware.API_WRITES.match(path):
            continue  # the read API sets and removes a bookmark with these (tests/api)
        response = client.generic(method, path)
        assert response.status_code == 405, (method, path, response.status_code)
        assert "GET" in response["Allow"]


def test_get_and_head_still_work(client):
    assert client.get("/").status_code == 200
    assert client.head("/").status_code == 200
