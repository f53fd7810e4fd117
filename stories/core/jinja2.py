"""The Jinja2 environment for the few templates rendered hundreds of times a page
(a works list's blurbs, a work's comments), through Django's own Jinja2 backend
(settings.TEMPLATES).

Django's template engine resolves every variable through a chain of lookups; for a
list page of twenty blurbs that was most of the page's rendering time. Jinja2
compiles a template to Python once. The environment holds only what the hot
templates use: `link` (an escaped link, or the bare text when a stored value makes
no URL), `url` (reverse() with positional arguments) and the filters `iso_datetime`,
`day_month_year`, `day_month_year_time` (Django's |date:"c", "j M Y" and
"j M Y, H:i", to the second), `intcomma`, and Django's own `urlencode` and
`truncatechars` (Jinja2's namesakes quote other characters and cut at words). The URL makers a blurb calls (`tag_url`,
`user_url`, from core.urlcache) come with each render from discovery.blurbs, bound
once per page."""

import datetime

from django.template.defaultfilters import truncatechars, urlencode
from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment
from markupsafe import Markup, escape


def _link(href: str, text: str, rel: str = "") -> Markup:
    """`text` linked to `href` (escaped), or `text` alone when `href` is "" (a stored
    value that makes no URL, see core.urlcache). A function rather than a template
    macro: a list page makes about 150 links, and a Jinja2 macro call costs several
    times a plain call."""
    if not href:
        return escape(text)
    # f-strings of escaped parts: Markup.format goes through string.Formatter, slower.
    rel_attribute = f' rel="{escape(rel)}"' if rel else ""
    return Markup(f'<a href="{escape(href)}"{rel_attribute}>{escape(text)}</a>')  # noqa: S704 - every part escaped


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def iso_datetime(value: datetime.datetime) -> str:
    """ISO 8601 in the current time zone, to the second: a valid HTML `datetime`
    value (which allows at most three digits of a fraction; Django's |date:"c" gives six)."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _day_month_year(value: datetime.datetime) -> str:
    """What Django's |date:"j M Y" gives in English ("29 Nov 2026"), in the current
    time zone, without the general formatter (two dates a blurb, twenty a page)."""
    local = timezone.localtime(value)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year}"


def _day_month_year_time(value: datetime.datetime) -> str:
    """Django's |date:"j M Y, H:i" in English ("29 Nov 2026, 09:05"), in the current
    time zone (a comment's date: ninety of them on an entire work)."""
    local = timezone.localtime(value)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"


def _url(name: str, *args) -> str:
    """{% url name arg … %}: reverse() with positional arguments."""
    return reverse(name, args=args)


def _intcomma(value: int) -> str:
    """1234567 -> "1,234,567" (the archive's language is English)."""
    return f"{value:,}"


def environment(**options) -> Environment:
    """The Environment Django's Jinja2 backend builds (its `environment` option)."""
    env = Environment(**options)  # noqa: S701 - the backend passes autoescape=True
    env.globals.update(link=_link, url=_url)
    env.filters.update(intcomma=_intcomma, iso_datetime=iso_datetime)
    env.filters.update(day_month_year=_day_month_year, day_month_year_time=_day_month_year_time)
    # Django's own, where Jinja2's namesakes differ.
    env.filters.update(urlencode=urlencode, truncatechars=truncatechars)
    return env
