"""Every kind of page, for the Content-Security-Policy tests (test client and browser)."""

from django.urls import reverse

from stories.models import TagKind
from tests import factories


def make_site(author, moderator) -> dict:
    """A small archive with one of everything; returns the objects the pages need."""
    fandom = factories.TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    work = factories.WorkFactory(title="Loathing", creators=[author], chapters=2, tags=[fandom])
    series = factories.SeriesFactory(title="Seasons", works=[work])
    series.creators.add(author)
    return {"work": work, "series": series, "tag": fandom, "moderator": moderator}


def public_pages(site: dict) -> dict[str, str]:
    work = site["work"]
    return {
        "home": reverse("stories:home"),
        "index": reverse("stories:work-list"),
        "tag page": reverse("stories:tag-detail", args=[site["tag"].slug]),
        "tag list": reverse("stories:tag-list"),
        "search": reverse("stories:search") + "?q=text",
        "work": work.get_absolute_url(),
        "chapter": reverse("stories:chapter-detail", args=[work.pk, 2]),
        "series": site["series"].get_absolute_url(),
        "user page": reverse("stories:user-detail", args=["author"]),
        "bookmarks": reverse("stories:user-bookmarks", args=["author"]),
        "log-in": reverse("login"),
        "sign-up": reverse("signup"),
        "sign-up sent": reverse("signup-sent"),
        "admin log-in": reverse("admin:login"),
        "404": "/no-such-page/",
    }


def author_pages(site: dict) -> dict[str, str]:
    return {
        "post form": reverse("stories:work-post"),
        "upload": reverse("stories:work-upload"),
        "edit form": reverse("stories:work-edit", args=[site["work"].pk]),
        "preferences": reverse("stories:preferences"),
        "inbox": reverse("stories:inbox"),
        "history": reverse("stories:history"),
        "invitations": reverse("stories:invitation-list"),
    }


def staff_pages(site: dict) -> dict[str, str]:
    return {
        "admin index": reverse("admin:index"),
        "admin change list": reverse("admin:stories_work_changelist"),
        "admin change form": reverse("admin:stories_work_change", args=[site["work"].pk]),
    }
