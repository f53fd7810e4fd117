"""Cheap URLs for the links a list page repeats hundreds of times.

`reverse()` walks the URL resolver each call (about 0.1 ms); a works page links
every tag and creator of twenty blurbs, and an archive has too many tags for a
cache of their URLs to stay warm. Each URL here is reversed once per script prefix
and URLconf with a placeholder, and the value is put in its place, quoted as
reverse() quotes it; the parts are dropped whenever the URLconf setting changes.
tests/test_urlcache.py checks the strings against reverse()."""

import logging
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import quote

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

_PLACEHOLDER = "987654321"
# What reverse() leaves unquoted in a path: RFC 3986's pchar.
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"

logger = logging.getLogger(__name__)


@lru_cache(maxsize=64)
def _parts(name: str, prefix: str, urlconf) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_PLACEHOLDER], urlconf=urlconf).rpartition(_PLACEHOLDER)
    return head, tail


def url_maker(name: str) -> Callable[[str], str]:
    """value -> the URL of `name` with that one argument, for the current script
    prefix and URLconf: looked up once for a loop over many links.

    A stored value that cannot be a URL (an empty slug, one with a "/") gives "":
    the row is logged and shown without a link, never a 500 for every visitor of
    every page that lists it (see safe_reverse)."""
    head, tail = _parts(name, get_script_prefix(), get_urlconf())

    def make(value: str) -> str:
        if not value or "/" in value or value in (".", ".."):
            # Not a single plain path segment: reverse() decides (and may refuse).
            return safe_reverse(name, value)
        return f"{head}{quote(value, safe=_PATH_SAFE)}{tail}"

    return make


def safe_reverse(name: str, *args) -> str:
    """reverse(name, args) for values read from the database, or "" (logged) when
    they cannot form that URL. Templates show an unlinked name for ""."""
    try:
        return reverse(name, args=list(args))
    except NoReverseMatch:
        logger.warning("No URL %s for the stored value(s) %r: shown unlinked.", name, args)
        return ""


def user_url(username: str) -> str:
    """The URL of a person's page, or "" when the stored username cannot be one."""
    return url_maker("stories:user-detail")(username)


def tag_url(slug: str) -> str:
    """The URL of a tag's page, or "" when the stored slug cannot be one."""
    return url_maker("stories:tag-detail")(slug)


def work_url(pk: int) -> str:
    head, tail = _parts("stories:work-detail", get_script_prefix(), get_urlconf())
    return f"{head}{int(pk)}{tail}"


def chapter_url(work_id: int, position: int) -> str:
    """The URL of a work's chapter at `position` (both whole numbers, so nothing
    needs quoting): a search page links twenty."""
    head, middle, tail = _chapter_parts(get_script_prefix(), get_urlconf())
    return f"{head}{int(work_id)}{middle}{int(position)}{tail}"


@lru_cache(maxsize=8)
def _chapter_parts(prefix: str, urlconf) -> tuple[str, str, str]:
    second = "987654322"
    url = reverse("stories:chapter-detail", args=[_PLACEHOLDER, second], urlconf=urlconf)
    head, _, rest = url.rpartition(_PLACEHOLDER)
    middle, _, tail = rest.rpartition(second)
    return head, middle, tail


def fixed_url(name: str) -> str:
    """reverse(name) for a URL that takes no argument, once per script prefix and
    URLconf: a list page's shell and sidebar link several."""
    return _fixed(name, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=128)
def _fixed(name: str, prefix: str, urlconf) -> str:
    return reverse(name, urlconf=urlconf)


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        for cached in (_parts, _chapter_parts, _fixed):
            cached.cache_clear()
