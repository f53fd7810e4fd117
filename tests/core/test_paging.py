"""The numbered pager: AO3's places, and every other parameter of the query string
kept in each link."""

from django.core.paginator import Paginator
from django.test import RequestFactory

from stories.core.paging import pager


def _pager(query: str, number: int, pages: int = 20):
    request = RequestFactory().get(f"/works/?{query}")
    return pager(Paginator(range(pages * 10), 10).page(number), request)


def test_places_are_the_ends_two_neighbours_and_gaps():
    links = _pager("", 10)
    assert [link.number for link in links.numbers] == [1, "…", 8, 9, 10, 11, 12, "…", 20]
    assert [link.gap for link in links.numbers].count(True) == 2
    current = [link for link in links.numbers if not link.url and not link.gap]
    assert [link.number for link in current] == [10]


def test_links_keep_the_other_parameters_in_order_and_page_one_has_no_number():
    links = _pager("tag=a&page=3&tag=b+c&sort=kudos", 2)
    assert links.previous == "?tag=a&tag=b+c&sort=kudos"
    assert links.next == "?tag=a&tag=b+c&sort=kudos&page=3"
    assert links.numbers[0].url == links.previous


def test_a_bare_list_and_its_ends():
    first = _pager("", 1, pages=3)
    assert first.previous == "" and first.next == "?page=2"
    assert [link.url for link in first.numbers] == ["", "?page=2", "?page=3"]
    last = _pager("", 3, pages=3)
    assert last.next == "" and last.previous == "?page=2"
