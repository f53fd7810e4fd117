"""Page numbers and pages of any list, read from the query string, and the links
of the numbered pager (templates/jinja2/_pagination.html)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest


def page_number(request: HttpRequest, name: str = "page") -> int:
    """The page number asked for in `name` (1 when absent); anything but a whole
    number from 1 on raises Http404."""
    try:
        number = int(request.GET.get(name, "1"))
    except ValueError:
        raise Http404("No such page.") from None
    if number < 1:
        raise Http404("No such page.")
    return number


def paginate(request: HttpRequest, queryset, per_page: int | None = None, *, count: int | None = None) -> Page:
    """A page of `queryset` (or list) of `per_page` items (QUIRE_WORKS_PER_PAGE by
    default); a page number that is not a number or out of range raises Http404.
    Pass `count` when the total is already known, so it is not counted again."""
    paginator = Paginator(queryset, per_page or settings.QUIRE_WORKS_PER_PAGE)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is never recomputed
    number = page_number(request)
    if number > paginator.num_pages:
        raise Http404("No such page.")
    return paginator.page(number)


@dataclass(frozen=True, slots=True)
class PageLink:
    """One place of the numbered pager: a page `number` with its `url` ("" for the
    page shown), or a gap (`number` is Paginator.ELLIPSIS, "…")."""

    number: int | str
    url: str = ""

    @property
    def gap(self) -> bool:
        return self.number == Paginator.ELLIPSIS


@dataclass(frozen=True, slots=True)
class Pager:
    """The links of a page of a list: previous and next ("" at either end) and AO3's
    numbered places (the first page, two neighbours each side of this one, the last
    page, a gap between)."""

    previous: str
    numbers: list[PageLink]
    next: str


def pager(page: Page, request: HttpRequest) -> Pager:
    """The pager of `page`. Each URL is this request's query string with `page` set
    to that number (left out for page 1, so the first page has one URL), every other
    parameter kept in order."""
    kept = urlencode([(k, v) for k, vs in request.GET.lists() if k != "page" for v in vs])
    joiner = "&" if kept else ""

    def url(number: int) -> str:
        return f"?{kept}{joiner}page={number}" if number > 1 else f"?{kept}"

    numbers = [
        PageLink(number, "" if number == page.number or number == Paginator.ELLIPSIS else url(number))
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return Pager(
        url(page.previous_page_number()) if page.has_previous() else "",
        numbers,
        url(page.next_page_number()) if page.has_next() else "",
    )
