"""The Jinja2 helpers of the hot templates say what Django's own would."""

import datetime
import zoneinfo

from django.http import QueryDict
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import pluralize
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from stories.core.jinja2 import _day_month_year, _field_errors, _link, _pluralize, iso_datetime, link_maker
from stories.core.urlcache import tag_url
from stories.discovery.filters import WorkFilterForm

MOMENTS = st.datetimes(
    min_value=datetime.datetime(1970, 1, 2), max_value=datetime.datetime(2200, 1, 1), timezones=st.just(datetime.UTC)
)


@given(MOMENTS, st.sampled_from(["UTC", "Pacific/Kiritimati", "America/St_Johns"]))
def test_dates_read_as_djangos_date_filter_reads_them(moment, zone):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        # As a Django template shows it: converted to the current time zone, then formatted.
        assert _day_month_year(moment) == date_filter(timezone.localtime(moment), "j M Y")
        iso = iso_datetime(moment)
        assert datetime.datetime.fromisoformat(iso) == moment.replace(microsecond=0)
        # A page passes the current time zone it looked up once: the same text.
        current = timezone.get_current_timezone()
        assert (iso_datetime(moment, current), _day_month_year(moment, current)) == (iso, _day_month_year(moment))
        assert "." not in iso  # HTML's datetime allows no six-digit fraction


def test_a_link_escapes_everything_and_an_empty_address_gives_the_text_alone():
    assert str(_link('/tags/a"b/', "<b>&", "author")) == '<a href="/tags/a&#34;b/" rel="author">&lt;b&gt;&amp;</a>'
    assert str(_link("", "<b>")) == "&lt;b&gt;"


def test_field_errors_are_djangos_lists_and_nothing_for_a_valid_field():
    form = WorkFilterForm(QueryDict("words_min=x&words_max=-1&within=ok"))
    assert not form.is_valid()
    both = _field_errors(form, "within", "words_min", "words_max")
    assert both == str(form["words_min"].errors) + str(form["words_max"].errors)
    assert 'class="errorlist"' in both
    assert _field_errors(form, "within", "language") == ""


def test_pluralize_says_what_djangos_says():
    for n in (0, 1, 2, 1001):
        assert _pluralize(n) == pluralize(n)


def test_a_link_maker_links_as_link_does_once_per_process_and_leaves_a_bad_value_unlinked():
    tag_link = link_maker("stories:tag-detail")
    assert tag_link("a b", "<A>") == _link(tag_url("a b"), "<A>")
    assert tag_link("a b", "<A>") is tag_link("a b", "<A>")
    assert tag_link("a/b", "Odd") == "Odd"
    author = link_maker("stories:user-detail", rel="author")
    assert author("ann") == '<a href="/users/ann/" rel="author">ann</a>'
