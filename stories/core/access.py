"""Who may open what: the permission helpers every feature's views start with."""

from django.http import Http404, HttpRequest

from stories.models import Work


def work_for_reader(request: HttpRequest, work_id: int, *, listing: bool = True) -> Work:
    """The work (loaded for_listing, unless `listing` is False: then the caller loads
    its tags and creators its own way), if this reader may open it; raises Http404
    otherwise (drafts and hidden works exist only for their creators and moderators)."""
    # Without the search vectors: they hold the work's whole text, and no view shows them.
    works = Work.objects.viewable_by(request.user).defer("search_vector", "search_head")
    work = (works.for_listing() if listing else works).filter(pk=work_id).first()
    if work is None:
        raise Http404("No such work.")
    return work


MAX_ID = 2**63 - 1  # the largest bigint: a larger id in a URL is no row, not a 500


def work_for_creator(request: HttpRequest, work_id: int) -> Work:
    """The work, if the signed-in user is one of its creators (drafts included);
    raises Http404 for everyone else and for ids past the largest bigint."""
    if work_id > MAX_ID:
        raise Http404("No such work.")
    work = Work.objects.by_creator(request.user).filter(pk=work_id).first()
    if work is None:
        raise Http404("No such work.")
    return work


def is_creator(request: HttpRequest, work: Work) -> bool:
    """Whether the signed-in reader is one of `work`'s creators (loaded for_listing)."""
    return request.user.is_authenticated and any(u.pk == request.user.pk for u in work.creator_users)
