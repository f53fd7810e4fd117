"""Cheap URLs for the links a list page repeats hundreds of times.

`reverse()` walks the URL resolver each call (about 0.1 ms); a works page links
every tag of twenty blurbs. These give the same strings as reverse(), remembered
per script prefix and URLconf (both are part of the key, and the memory is
dropped whenever the URLconf setting changes)."""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

_WORK_PLACEHOLDER = 987654321


@lru_cache(maxsize=50_000)
def _tag_url(prefix: str, urlconf, slug: str) -> str:
    return reverse("stories:tag-detail", args=[slug], urlconf=urlconf)


@lru_cache(maxsize=64)
def _work_url_parts(prefix: str, urlconf) -> tuple[str, str]:
    head, _, tail = reverse("stories:work-detail", args=[_WORK_PLACEHOLDER], urlconf=urlconf).partition(
        str(_WORK_PLACEHOLDER)
    )
    return head, tail


@lru_cache(maxsize=20_000)
def _user_url(prefix: str, urlconf, username: str) -> str:
    return reverse("stories:user-detail", args=[username], urlconf=urlconf)


def user_url(username: str) -> str:
    return _user_url(get_script_prefix(), get_urlconf(), username)


def tag_url(slug: str) -> str:
    return _tag_url(get_script_prefix(), get_urlconf(), slug)


def work_url(pk: int) -> str:
    head, tail = _work_url_parts(get_script_prefix(), get_urlconf())
    return f"{head}{int(pk)}{tail}"


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _tag_url.cache_clear()
        _user_url.cache_clear()
        _work_url_parts.cache_clear()
