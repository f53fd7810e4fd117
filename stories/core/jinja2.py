"""The Jinja2 environment for the templates rendered hundreds of times a page (a
works list's blurbs, results, filter sidebar and pager; a work's chapters, chapter
menu and comments), through Django's own Jinja2 backend (settings.TEMPLATES);
Django templates include them with {% jinja_include %} (stories/templatetags/jinja.py).

Django's template engine resolves every variable through a chain of lookups; for a
list page of twenty blurbs and a sidebar of a hundred-odd inputs, or an entire work
of ninety comments, that was most of the page's rendering time. Jinja2 compiles a
template to Python once. The environment holds only what the hot templates use:
`link` (an escaped link, or the bare text when a stored value makes no URL), `url`
(Django's {% url %}), `chapter_url`, `pager` (core.paging) and `field_errors`; the
filters `iso_datetime`, `day_month_year`, `day_month_year_time` (Django's |date:"c",
"j M Y" and "j M Y, H:i", to the second), `intcomma`, `pluralize`, `date_value`,
and Django's own `urlencode` and `truncatechars` (Jinja2's namesakes quote other
characters and cut at words). The link makers a blurb calls (link_maker) and the
time zone come with each render from discovery.blurbs, bound once per page."""

import datetime
from collections.abc import Callable

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import truncatechars, urlencode
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from jinja2 import Environment
from markupsafe import Markup, escape

from stories.core.paging import pager
from stories.core.urlcache import chapter_url, fixed_url, url_maker


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


# link_maker's links, by URL name, script prefix, URLconf, rel, value and text.
_LINKS: dict[tuple, Markup] = {}
_MAX_LINKS = 20_000


@receiver(setting_changed)
def _forget_links(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _LINKS.clear()


def link_maker(url_name: str, rel: str = "") -> Callable[..., Markup]:
    """(value, text=value) -> `text` linked to the URL of `url_name` with the one
    argument `value` (see core.urlcache.url_maker; the bare text when the stored
    value makes no URL). Bound once for a page's loop over many links; each link is
    built once per process and then read back (a list page links ~150 tags, mostly
    the same popular ones), the whole store dropped when it reaches _MAX_LINKS."""
    url_of = url_maker(url_name)
    scope = (url_name, get_script_prefix(), get_urlconf(), rel)

    def make(value: str, text: str | None = None) -> Markup:
        text = value if text is None else text
        key = (scope, value, text)
        html = _LINKS.get(key)
        if html is None:
            if len(_LINKS) >= _MAX_LINKS:
                _LINKS.clear()
            html = _LINKS[key] = _link(url_of(value), text, rel)
        return html

    return make


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _local(value: datetime.datetime, tz: datetime.tzinfo | None) -> datetime.datetime:
    # Looking up the current time zone costs more than the conversion: a page looks
    # it up once and passes it (`tz`) to each of its dates.
    return value.astimezone(tz) if tz is not None else timezone.localtime(value)


def iso_datetime(value: datetime.datetime, tz: datetime.tzinfo | None = None) -> str:
    """ISO 8601 in the time zone `tz` (the current one by default), to the second: a
    valid HTML `datetime` value (which allows at most three digits of a fraction;
    Django's |date:"c" gives six)."""
    return _local(value, tz).replace(microsecond=0).isoformat()


def _day_month_year(value: datetime.datetime, tz: datetime.tzinfo | None = None) -> str:
    """What Django's |date:"j M Y" gives in English ("29 Nov 2026"), in the time
    zone `tz` (the current one by default), without the general formatter (two
    dates a blurb, twenty a page)."""
    local = _local(value, tz)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year}"


def _day_month_year_time(value: datetime.datetime) -> str:
    """Django's |date:"j M Y, H:i" in English ("29 Nov 2026, 09:05"), in the current
    time zone (a comment's date: ninety of them on an entire work)."""
    local = timezone.localtime(value)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"


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
        day_month_year_time=_day_month_year_time,
        pluralize=_pluralize,
        date_value=date_value,
        # Django's own, where Jinja2's namesakes differ.
        urlencode=urlencode,
        truncatechars=truncatechars,
    )
    return env
