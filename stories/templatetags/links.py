"""Links to rows whose URL is built from a stored value (a tag's slug, a person's
username). A value that cannot form a URL shows the name without a link (and is
logged by core.urlcache), so one odd row never makes a page answer 500."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

from stories.core.requests import return_path
from stories.core.urlcache import safe_reverse, tag_url, user_url

register = template.Library()


def _link(href: str, text: str):
    if not href:
        return format_html("{}", text)
    return format_html('<a href="{}">{}</a>', href, text)


@register.simple_tag
def tag_link(tag) -> str:
    """<a href="/tags/slug/">name</a>, or the bare name when the slug makes no URL."""
    return _link(tag_url(tag.slug), tag.name)


@register.simple_tag
def user_link(user, rel_author: bool = False) -> str:
    """<a href="/users/name/">name</a>, or the bare name when the username makes no URL."""
    username = user.get_username()
    href = user_url(username)
    if href and rel_author:
        return format_html('<a href="{}" rel="author">{}</a>', href, username)
    return _link(href, username)


@register.simple_tag
def stored_url(name: str, *args) -> str:
    """{% url %} for arguments read from the database: "" instead of NoReverseMatch."""
    return safe_reverse(name, *args)


@register.simple_tag(takes_context=True)
def login_url(context) -> str:
    """The log-in address that brings the reader back to this page afterwards (see
    core.requests.return_path): /accounts/login/?next=<path>."""
    request = context.get("request")
    back = return_path(request) if request is not None else ""
    return reverse("login") + (f"?{urlencode({'next': back})}" if back else "")
