"""The Jinja2 environment for the templates a list page renders hundreds of nodes
of (a works list's blurbs, its results, filter sidebar and pager), through Django's
own Jinja2 backend (settings.TEMPLATES); Django templates include them with
{% jinja_include %} (stories/templatetags/jinja.py).

Django's template engine resolves every variable through a chain of lookups; for a
list page of twenty blurbs and a sidebar of a hundred-odd inputs that was most of
the page's rendering time. Jinja2 compiles a template to Python once. The
environment holds only what the hot templates use: `link` (an escaped link, or the
bare text when a stored value makes no URL), `url` (Django's {% url %}), `chapter_url`,
`pager` (core.paging) and `field_errors`; the filters `iso_datetime`,
`day_month_year` (Django's |date:"c" and "j M Y", to the second), `intcomma`,
`pluralize` and `date_value`. The URL makers a blurb calls (`tag_url`, `user_url`,
from core.urlcache) come with each render from discovery.blurbs, bound once per page."""

import datetime

from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment
from markupsafe import Markup, escape

from stories.core.paging import pager
from stories.core.urlcache import chapter_url, fixed_url


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


def _intcomma(value: int) -> str:
    """1234567 -> "1,234,567" (the archive's language is English)."""
    return f"{value:,}"


def _pluralize(value, suffix: str = "s") -> str:
    """Django's |pluralize for a number: `suffix` unless `value` is 1."""
    return "" if value == 1 else suffix


def date_value(value) -> str:
    """`value` as the ISO date an <input type="date"> accepts, or "" when it is not
    one: a date input must not echo back what it cannot show (HTML requires a
    valid date string or nothing)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(str(value or "").strip()).isoformat()
    except ValueError:
        return ""


def _url(name: str, *args) -> str:
    """Django's {% url name arg… %}; one without arguments is reversed once per process."""
    return reverse(name, args=args) if args else fixed_url(name)


def _field_errors(form, *names: str) -> Markup:
    """The error lists of the fields `names` of a bound, validated `form`, as Django
    renders {{ form.<name>.errors }}; "" (no template rendered) for fields without."""
    errors = form.errors
    return Markup("".join(str(form[name].errors) for name in names if name in errors))  # noqa: S704 - Django's own rendering


def environment(**options) -> Environment:
    """The Environment Django's Jinja2 backend builds (its `environment` option)."""
    env = Environment(**options)  # noqa: S701 - the backend passes autoescape=True
    env.globals.update(link=_link, url=_url, chapter_url=chapter_url, pager=pager, field_errors=_field_errors)
    env.filters.update(
        intcomma=_intcomma,
        iso_datetime=iso_datetime,
        day_month_year=_day_month_year,
        pluralize=_pluralize,
        date_value=date_value,
    )
    return env
