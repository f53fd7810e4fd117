"""Property-based: works posted through the real post form with titles, summaries,
notes and tag names drawn from all of Unicode (emoji, symbols, CJK, RTL, combining
marks, zero-width and control characters, full-width Latin, case and normal-form
variants, 150-character names), then every page kind that shows them is requested.
No response is a 5xx, and what was typed reads back in its normal form.

Examples per run: QUIRE_HYPOTHESIS_EXAMPLES (default 25, for CI); e.g.
`QUIRE_HYPOTHESIS_EXAMPLES=5000 make test` for a long run.

Each example runs in a savepoint that is rolled back, so the archive every example
sees is the same size (the 5,000th is as fast as the first, instead of reading
pages over thousands of earlier works), and its cache starts empty. What earlier
examples gave for free, tags already there when a name is typed, comes from works
built once per run with tag names the generator also draws (`neighbours`)."""

import os

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from stories.core.text import one_line
from stories.models import Tag, Work
from stories.tags.names import split_tag_names
from stories.works import rules
from tests.authoring_support.forms import work_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("QUIRE_HYPOTHESIS_EXAMPLES", "25"))

SPECIAL = [
    "💔", "!!!", "👨\u200d👩\u200d👧", "❤\ufe0f\u200d🔥", "火影忍者", "שלום", "مرحبا", "e\u0301", "\u00e9", "\u200b", "\u200d",
    "\u200e", "\u202e", "\ufeff", "\x07", "\x1f", "\x7f", "\x85", "Ｎａｒｕｔｏ", "ß", "İ", "ǅ", " ", "\u3000", "\u00a0",
    "\r\n", "\r", "\n", "\t", "&amp;", "<b>", "/", "&", ",", "\"'", "%", "?", "#", ".", "..", "\\", "\U0010fffd", "\ufffe",
]  # fmt: skip
chunk = st.one_of(
    st.sampled_from(SPECIAL), st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=8)
)
text = st.lists(chunk, max_size=8).map("".join)
tag_name = st.one_of(text, st.sampled_from(["n" * 150, "ß" * 150, "💔" * 150, "Ｎ" * 149 + "e\u0301"]))
tag_list = st.lists(tag_name, max_size=4).map(", ".join)


def _expected_title(title: str) -> str:
    # As the form reads it: one line (core.text.one_line drops control characters and
    # bidirectional marks, collapses white space, NFC).
    return one_line(title)


def _page_urls(work: Work, tags: list[Tag]) -> list[str]:
    urls = [
        reverse("stories:home"),
        reverse("stories:work-list"),
        reverse("stories:tag-list"),
        reverse("stories:works-feed"),
        reverse("stories:user-detail", args=["author"]),
        reverse("stories:user-feed", args=["author"]),
        work.get_absolute_url(),
        work.get_absolute_url() + "?view=full",
        reverse("stories:chapter-detail", args=[work.pk, 1]),
        *(reverse("stories:work-download", args=[work.pk, fmt]) for fmt in ("html", "txt", "md", "epub")),
    ]
    for tag in tags:
        if tag.get_absolute_url():
            urls += [tag.get_absolute_url(), reverse("stories:tag-feed", args=[tag.slug])]
    return urls


# Names typed by the neighbours' author, each also drawn by `chunk` (SPECIAL), in
# another spelling where one normalises to it: a generated tag often meets an
# existing one, as on a live archive.
NEIGHBOUR_TAGS = {
    "fandoms": ["💔", "火影忍者", "Café X", "Naruto"],
    "freeforms": ["!!!", "שלום", "e\u0301", "Ｎａｒｕｔｏ"],
    "characters": ["مرحبا", "ǅ", "&amp;"],
}


@pytest.fixture
def neighbours(db) -> list[Work]:
    """Works by another author with tricky tag names, built once per run (Hypothesis
    reuses a function-scoped fixture for every example)."""
    from stories.importers.base import ChapterDraft
    from stories.works import services

    other = UserFactory(username="neighbour")
    return [
        services.work_compose(
            creators=[other],
            title=f"Neighbour {number}",
            chapters=[ChapterDraft(body="Already here.", body_format="markdown")],
            tags_by_kind={field: names[number::2] for field, names in NEIGHBOUR_TAGS.items()},
            rating="general",
            warnings=["none"],
        )
        for number in range(2)
    ]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(title=text, summary=text, notes=text, fandoms=tag_list, freeforms=tag_list, characters=tag_list)
def test_anything_typed_posts_or_is_refused_and_every_page_shows_it(
    author_client, client, neighbours, title, summary, notes, fandoms, freeforms, characters
):
    cache.clear()
    with transaction.atomic():
        _post_and_read_back(author_client, client, title, summary, notes, fandoms, freeforms, characters)
        transaction.set_rollback(True)  # the next example starts from the same archive


def _post_and_read_back(author_client, client, title, summary, notes, fandoms, freeforms, characters) -> None:
    before = Work.objects.count()
    data = work_data(
        title=title, summary=summary, notes=notes, fandoms=fandoms, freeforms=freeforms, characters=characters
    )
    data.update(relationships="", rating="general", warnings=["none"])
    response = author_client.post(reverse("stories:work-post"), data)
    assert response.status_code in (200, 302), response.status_code
    event("posted" if response.status_code == 302 else "refused")
    if response.status_code == 200:
        # Refused: a message on the page, and nothing saved.
        assert "nothing was saved" in response.content.decode() or "errorlist" in response.content.decode()
        assert Work.objects.count() == before
        return

    work = Work.objects.latest("id")
    assert work.title == _expected_title(title)
    assert work.summary == rules.normalise_newlines(summary.strip())
    assert work.notes == rules.normalise_newlines(notes.strip())
    tags = list(Tag.objects.filter(tagged_works__content_object=work))
    shown = []
    for kind, typed in (("fandom", fandoms), ("freeform", freeforms), ("character", characters)):
        names = split_tag_names(typed, kind)
        of_kind = [tag for tag in tags if tag.kind == kind]
        assert sorted(t.name.lower() for t in of_kind) == sorted(n.lower() for n in names)
        assert all(tag.slug for tag in of_kind)
        shown += of_kind

    requests = [(url, {}) for url in _page_urls(work, shown)] + [
        (reverse("stories:search"), {"q": work.title[:50]}),
        (reverse("stories:work-list"), {"complete": "on", "sort": "title", "rating": "general"}),
        (reverse("stories:work-list"), {"tag": [t.slug for t in shown[:2]]}),
        (reverse("stories:work-list"), {"include_names": shown[0].name}),
    ]
    work_page_read = False
    for url, params in requests:
        for reader in (author_client, client):
            got = reader.get(url, params)
            assert got.status_code < 500, (url, params)
            assert got.status_code in (200, 302), (url, params, got.status_code)
            if url == work.get_absolute_url() and not params and reader is author_client:
                # The work page (one request serves both checks): the title and every tag read back.
                page = got.content.decode()
                assert escape(work.title) in page
                for tag in shown:
                    assert escape(tag.name) in page
                work_page_read = True
    assert work_page_read
