"""Page numbers and pages of any list, read from the query string."""

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
