"""Page links of any paged list: the numbered pager (templates/_pagination.html)."""

from urllib.parse import urlencode

from django import template
from django.core.paginator import Page

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """The query string of this request with `page` set to `number` (left out for
    page 1, so the first page has one URL), every other parameter kept in order."""
    request = context.get("request")
    pairs = [] if request is None else [(k, v) for k, vs in request.GET.lists() if k != "page" for v in vs]
    if int(number) > 1:
        pairs.append(("page", str(number)))
    return "?" + urlencode(pairs)


@register.filter
def page_numbers(page: Page) -> list:
    """AO3's numbered pager: the first page, two neighbours each side of `page`, the
    last page, and Paginator.ELLIPSIS ("…") in each gap."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
