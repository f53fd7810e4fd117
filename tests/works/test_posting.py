"""Posting, editing and deleting works and chapters: owner, outsider, guest."""

import html5lib
import pytest
from django.test import Client
from django.urls import reverse

from stories.models import Chapter, Series, SeriesPart, Tag, TaggedWork, Work, WorkLink
from tests import factories
from tests.authoring_support.forms import CsrfClient, edit_data, work_data

pytestmark = pytest.mark.django_db


def assert_valid_html(response):
    html5lib.HTMLParser(strict=True).parse(response.content.decode())


def counts() -> tuple:
    return (
        Work.objects.count(),
        Chapter.objects.count(),
        Tag.objects.count(),
        TaggedWork.objects.count(),
        WorkLink.objects.count(),
        Series.objects.count(),
        SeriesPart.objects.count(),
    )


@pytest.fixture
def stranger_client(stranger):
    client = CsrfClient()
    client.force_login(stranger)
    return client


@pytest.fixture
def work(author):
    return factories.WorkFactory(title="Mine", creators=[author], chapters=3)


@pytest.fixture
def draft(author):
    return factories.WorkFactory(title="Secret draft", creators=[author], status=Work.Status.DRAFT)


# --- posting ----------------------------------------------------------------------


def test_guest_is_sent_to_log_in_from_post_page(client):
    response = client.get(reverse("stories:work-post"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_post_page_is_valid_html_with_labelled_fields(author_client):
    # Suggested: tags readers can see (a posted work uses it), not ones only a draft made.
    factories.WorkFactory(tags=[factories.TagFactory(name="Naruto", kind="fandom")])
    factories.WorkFactory(status="draft", tags=[factories.TagFactory(name="Draftdom", kind="fandom")])
    response = author_client.get(reverse("stories:work-post"))
    assert response.status_code == 200
    assert "Draftdom" not in response.content.decode()
    assert_valid_html(response)
    body = response.content.decode()
    for field in ("id_title", "id_summary", "id_fandoms", "id_chapters-0-body", "id_published_on"):
        assert f'for="{field}"' in body
    # Existing tags are suggested with a native datalist, no JavaScript needed.
    assert '<datalist id="tags-fandom"><option value="Naruto">' in body
    assert 'list="tags-fandom"' in body


def test_author_posts_a_work_with_every_field(author_client, author, reader):
    response = author_client.post(
        reverse("stories:work-post"),
        work_data(
            co_creators="reader",
            notes="Begin here.",
            end_notes="Thanks for reading.",
            new_series="Seasons",
            series_position="2",
            expected_chapters="3",
            **{"chapters-0-title": "Winter", "links-0-kind": "inspired_by", "links-0-title": "Some Poem"},
        ),
    )
    work = Work.objects.get(title="Loathing")
    assert response.status_code == 302
    assert response["Location"] == work.get_absolute_url()
    assert work.is_posted
    # The co-creator is only invited: their name joins when they accept.
    assert [u.username for u in work.creator_users] == ["author"]
    assert list(work.creator_invitations.values_list("user__username", flat=True)) == ["reader"]
    assert work.rating == "teen" and work.warnings == ["none"] and work.categories == ["mm"]
    assert str(work.published_on) == "2008-01-10"
    assert work.expected_chapters == 3 and work.chapters_display == "1/3"
    assert work.notes == "Begin here." and work.end_notes == "Thanks for reading."
    assert sorted(t.name for t in work.characters) == ["Hatake Kakashi", "Umino Iruka"]
    assert [t.name for t in work.relationships] == ["Iruka/Kakashi"]
    assert sorted(t.name for t in work.freeforms) == ["Angst", "Hurt/Comfort"]
    chapter = work.chapters.get()
    assert chapter.title == "Winter" and "<em>hated</em>" in chapter.body_html
    assert work.word_count == chapter.word_count > 0
    part = SeriesPart.objects.get(work=work)
    assert part.series.title == "Seasons" and part.position == 2
    link = work.outgoing_links.get()
    assert (link.kind, link.target_title) == ("inspired_by", "Some Poem")


def test_saving_a_draft_keeps_it_from_everyone_else(author_client, stranger_client, client):
    author_client.post(reverse("stories:work-post"), work_data(action="draft"))
    work = Work.objects.get(title="Loathing")
    assert work.status == Work.Status.DRAFT
    assert author_client.get(work.get_absolute_url()).status_code == 200
    assert stranger_client.get(work.get_absolute_url()).status_code == 404
    assert Client().get(work.get_absolute_url()).status_code == 404
    assert stranger_client.get(work.chapters.get().get_absolute_url()).status_code == 404
    assert "Loathing" not in stranger_client.get(reverse("stories:work-list")).content.decode()


def test_preview_shows_sanitised_text_and_saves_nothing(author_client):
    before = counts()
    body = 'Hello *there*.\n\n<script>alert(1)</script><a href="javascript:alert(2)">x</a>'
    response = author_client.post(
        reverse("stories:work-post"), work_data(action="preview", **{"chapters-0-body": body})
    )
    assert response.status_code == 200
    assert counts() == before
    page = response.content.decode()
    preview = page.split('id="preview-heading"', 1)[1].split("</section>", 1)[0]
    assert "<em>there</em>" in preview
    assert "<script" not in preview and "javascript:" not in preview
    assert "<script>alert(1)" not in page  # the source stays escaped in its textarea


def test_hostile_markup_is_sanitised_and_the_rest_kept(author_client):
    body = (
        '<p onclick="steal()">Kept <b>bold</b>.</p><script>alert(1)</script>'
        '<img src="data:image/png;base64,AAAA" alt="x"><a href="javascript:evil()">link</a>'
        '<p style="position:fixed;top:0">Styled</p><style>body{display:none}</style>'
    )
    author_client.post(
        reverse("stories:work-post"), work_data(**{"chapters-0-body": body, "chapters-0-body_format": "html"})
    )
    chapter = Chapter.objects.get(work__title="Loathing")
    for bad in ("<script", "onclick", "javascript:", "data:image", "style=", "display:none"):
        assert bad not in chapter.body_html
    assert "Kept <b>bold</b>." in chapter.body_html and "Styled" in chapter.body_html


def test_post_without_csrf_token_is_refused(author):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    before = counts()
    response = client.post(reverse("stories:work-post"), work_data())
    assert response.status_code == 403
    assert counts() == before


def test_wrong_method_gets_405(client, author, work):
    # CSRF checks off here (a DELETE without a token would be a 403 first).
    client.force_login(author)
    assert client.delete(reverse("stories:work-post")).status_code == 405
    assert client.put(reverse("stories:work-edit", args=[work.pk])).status_code == 405
    assert client.get(reverse("stories:chapters-reorder", args=[work.pk])).status_code == 405


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "x" * 10_000}, "at most 255 characters"),
        ({"title": "   "}, "This field is required"),
        ({"freeforms": ", ".join(f"Tag number {i}" for i in range(500))}, "at most 75 tags"),
        ({"fandoms": "y" * 200}, "at most 150 characters"),
        ({"warnings": None}, "Choose at least one archive warning"),
        ({"rating": "nc17"}, "Select a valid choice"),
        ({"published_on": "2999-01-01"}, "cannot be in the future"),
        ({"published_on": "27th of never"}, "Enter a valid date"),
        ({"language": "<script>"}, "language code"),
        ({"co_creators": "nobody-such"}, "There is no user called"),
        ({"chapters-0-body": "   "}, "A chapter needs some text"),
        ({"links-0-kind": "sequel_of"}, "Name the related work"),
        ({"links-0-kind": "sequel_of", "links-0-work": "/works/999999/"}, "no posted work at that address"),
        ({"chapters-TOTAL_FORMS": "0"}, "Please submit at least 1 form"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(author_client, overrides, message):
    before = counts()
    response = author_client.post(reverse("stories:work-post"), work_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "nothing was saved" in response.content.decode()
    assert counts() == before


def test_a_link_may_point_to_a_work_on_the_archive_by_address(author_client, stranger):
    original = factories.WorkFactory(title="Original", creators=[stranger])
    author_client.post(
        reverse("stories:work-post"),
        work_data(**{"links-0-kind": "translation_of", "links-0-work": f"http://testserver/works/{original.pk}/"}),
    )
    link = WorkLink.objects.get(source__title="Loathing")
    assert link.target == original and link.kind == "translation_of"
    page = author_client.get(original.get_absolute_url()).content.decode()
    assert "Translated as:" in page and "Loathing" in page


def test_a_draft_cannot_be_a_link_target(author_client, stranger):
    hidden = factories.WorkFactory(title="Hidden", creators=[stranger], status=Work.Status.DRAFT)
    before = counts()
    response = author_client.post(
        reverse("stories:work-post"), work_data(**{"links-0-kind": "sequel_of", "links-0-work": str(hidden.pk)})
    )
    assert "no posted work at that address" in response.content.decode()
    assert counts() == before


def test_sequel_posted_first_resolves_when_the_prequel_is_posted(author_client):
    author_client.post(
        reverse("stories:work-post"),
        work_data(title="Moving On", **{"links-0-kind": "sequel_of", "links-0-title": "Loathing"}),
    )
    sequel = Work.objects.get(title="Moving On")
    assert sequel.outgoing_links.get().target is None
    author_client.post(reverse("stories:work-post"), work_data(title="Loathing"))
    prequel = Work.objects.get(title="Loathing")
    assert sequel.outgoing_links.get().target == prequel

    sequel_page = author_client.get(sequel.get_absolute_url()).content.decode()
    assert "Sequel to:" in sequel_page and f'href="{prequel.get_absolute_url()}">Loathing</a>' in sequel_page
    prequel_page = author_client.get(prequel.get_absolute_url()).content.decode()
    assert "Followed by:" in prequel_page and f'href="{sequel.get_absolute_url()}">Moving On</a>' in prequel_page


def test_same_title_by_another_author_does_not_resolve(author_client, stranger_client):
    author_client.post(
        reverse("stories:work-post"),
        work_data(title="Moving On", **{"links-0-kind": "sequel_of", "links-0-title": "Loathing"}),
    )
    stranger_client.post(reverse("stories:work-post"), work_data(title="Loathing"))
    assert WorkLink.objects.get().target is None


def test_series_lists_parts_in_order_with_previous_and_next(author_client, author):
    series = factories.SeriesFactory(title="Seasons")
    series.creators.add(author)
    for title, position in (("Spring", "1"), ("Autumn", "3"), ("Summer", "2")):
        author_client.post(
            reverse("stories:work-post"), work_data(title=title, series=str(series.pk), series_position=position)
        )
    page = author_client.get(series.get_absolute_url()).content.decode()
    assert page.index("Spring") < page.index("Summer") < page.index("Autumn")
    summer = Work.objects.get(title="Summer")
    summer_page = author_client.get(summer.get_absolute_url()).content.decode()
    assert "← Previous work" in summer_page and "Next work →" in summer_page
    spring, autumn = Work.objects.get(title="Spring"), Work.objects.get(title="Autumn")
    assert f'href="{spring.get_absolute_url()}">← Previous work' in summer_page
    assert f'href="{autumn.get_absolute_url()}">Next work →' in summer_page


def test_cannot_add_to_someone_elses_series(author_client, stranger):
    series = factories.SeriesFactory(title="Theirs")
    series.creators.add(stranger)
    before = counts()
    response = author_client.post(reverse("stories:work-post"), work_data(series=str(series.pk)))
    assert "Select a valid choice" in response.content.decode()
    assert counts() == before


# --- editing ----------------------------------------------------------------------


def test_edit_page_shows_the_work_filled_in(author_client, work):
    response = author_client.get(reverse("stories:work-edit", args=[work.pk]))
    assert response.status_code == 200
    assert_valid_html(response)
    assert 'value="Mine"' in response.content.decode()


def test_creator_edits_metadata_and_tags(author_client, work):
    response = author_client.post(
        reverse("stories:work-edit", args=[work.pk]),
        edit_data(title="Mine, renamed", fandoms="Bleach", relationships="", characters="", freeforms="Fluff"),
    )
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.title == "Mine, renamed"
    assert [t.name for t in work.fandoms] == ["Bleach"] and [t.name for t in work.freeforms] == ["Fluff"]
    assert work.chapter_count == 3  # chapters untouched


def test_creator_posts_a_draft_from_the_edit_page(author_client, draft):
    author_client.post(reverse("stories:work-edit", args=[draft.pk]), edit_data(title=draft.title, action="post"))
    draft.refresh_from_db()
    assert draft.is_posted


def test_editing_bad_input_changes_nothing(author_client, work):
    response = author_client.post(reverse("stories:work-edit", args=[work.pk]), edit_data(title="z" * 10_000))
    assert "at most 255 characters" in response.content.decode()
    work.refresh_from_db()
    assert work.title == "Mine"


OWNER_ONLY_GETS = [
    ("stories:work-edit", lambda w: [w.pk]),
    ("stories:work-delete", lambda w: [w.pk]),
    ("stories:chapter-new", lambda w: [w.pk]),
    ("stories:chapter-edit", lambda w: [w.pk, 1]),
    ("stories:chapter-delete", lambda w: [w.pk, 2]),
]


@pytest.mark.parametrize(("name", "args"), OWNER_ONLY_GETS)
def test_another_user_gets_404_from_every_editing_page(stranger_client, work, draft, name, args):
    for target in (work, draft):
        assert stranger_client.get(reverse(name, args=args(target))).status_code == 404


@pytest.mark.parametrize(("name", "args"), OWNER_ONLY_GETS)
def test_guest_is_sent_to_log_in_from_every_editing_page(client, work, name, args):
    response = client.get(reverse(name, args=args(work)))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_another_user_cannot_change_anything_by_post(stranger_client, work, draft):
    before = counts()
    for target in (work, draft):
        assert stranger_client.post(reverse("stories:work-edit", args=[target.pk]), edit_data()).status_code == 404
        assert stranger_client.post(reverse("stories:work-delete", args=[target.pk])).status_code == 404
        assert (
            stranger_client.post(
                reverse("stories:chapter-new", args=[target.pk]), {"body": "x", "body_format": "markdown"}
            ).status_code
            == 404
        )
        assert (
            stranger_client.post(
                reverse("stories:chapter-edit", args=[target.pk, 1]), {"body": "x", "body_format": "markdown"}
            ).status_code
            == 404
        )
        assert stranger_client.post(reverse("stories:chapter-delete", args=[target.pk, 1])).status_code == 404
        assert stranger_client.post(reverse("stories:chapters-reorder", args=[target.pk]), {}).status_code == 404
    assert counts() == before
    work.refresh_from_db()
    assert work.title == "Mine"


def test_edit_link_shows_only_to_creators(author_client, stranger_client, work):
    edit_url = reverse("stories:work-edit", args=[work.pk])
    assert edit_url in author_client.get(work.get_absolute_url()).content.decode()
    assert edit_url not in stranger_client.get(work.get_absolute_url()).content.decode()


def test_moderator_is_not_an_editor_outside_the_admin(moderator, work):
    client = Client()
    client.force_login(moderator)
    assert client.get(reverse("stories:work-edit", args=[work.pk])).status_code == 404


# --- chapters ---------------------------------------------------------------------


def test_creator_adds_a_chapter(author_client, work):
    response = author_client.post(
        reverse("stories:chapter-new", args=[work.pk]),
        {"title": "Four", "body": "The *fourth* one.", "body_format": "markdown", "action": "save"},
    )
    work.refresh_from_db()
    chapter = work.chapters.get(position=4)
    assert response["Location"] == chapter.get_absolute_url()
    assert chapter.title == "Four" and "<em>fourth</em>" in chapter.body_html
    assert work.chapter_count == 4


def test_chapter_form_is_valid_html(author_client, work):
    response = author_client.get(reverse("stories:chapter-edit", args=[work.pk, 2]))
    assert response.status_code == 200
    assert_valid_html(response)
    assert "The text of chapter 2." in response.content.decode()


def test_chapter_preview_saves_nothing(author_client, work):
    response = author_client.post(
        reverse("stories:chapter-edit", args=[work.pk, 1]),
        {"body": "Changed **text**", "body_format": "markdown", "action": "preview"},
    )
    assert "<strong>text</strong>" in response.content.decode()
    assert "Changed" not in Chapter.objects.get(work=work, position=1).body


def test_creator_edits_a_chapter_and_counts_follow(author_client, work):
    author_client.post(
        reverse("stories:chapter-edit", args=[work.pk, 2]),
        {"title": "Two", "body": "one two three four five six", "body_format": "text", "action": "save"},
    )
    chapter = Chapter.objects.get(work=work, position=2)
    assert chapter.title == "Two" and chapter.word_count == 6
    work.refresh_from_db()
    assert work.word_count == sum(c.word_count for c in work.chapters.all())


def test_empty_chapter_is_refused(author_client, work):
    response = author_client.post(
        reverse("stories:chapter-new", args=[work.pk]), {"body": "  \n ", "body_format": "markdown"}
    )
    assert "A chapter needs some text" in response.content.decode()
    assert work.chapters.count() == 3


def test_creator_reorders_chapters(author_client, work):
    ids = list(work.chapters.order_by("position").values_list("pk", flat=True))
    response = author_client.post(
        reverse("stories:chapters-reorder", args=[work.pk]),
        {f"chapter_{ids[0]}": "3", f"chapter_{ids[1]}": "1", f"chapter_{ids[2]}": "2"},
    )
    assert response.status_code == 302
    assert list(work.chapters.order_by("position").values_list("pk", flat=True)) == [ids[1], ids[2], ids[0]]


def test_reorder_with_duplicate_positions_changes_nothing(author_client, work):
    ids = list(work.chapters.order_by("position").values_list("pk", flat=True))
    response = author_client.post(
        reverse("stories:chapters-reorder", args=[work.pk]),
        {f"chapter_{ids[0]}": "1", f"chapter_{ids[1]}": "1", f"chapter_{ids[2]}": "2"},
        follow=True,
    )
    assert "different position" in response.content.decode()
    assert list(work.chapters.order_by("position").values_list("pk", flat=True)) == ids


def test_creator_deletes_a_chapter_after_confirming(author_client, work):
    confirm = author_client.get(reverse("stories:chapter-delete", args=[work.pk, 2]))
    assert confirm.status_code == 200 and "Yes, delete it" in confirm.content.decode()
    assert work.chapters.count() == 3
    author_client.post(reverse("stories:chapter-delete", args=[work.pk, 2]))
    assert list(work.chapters.values_list("position", flat=True)) == [1, 2]
    assert "chapter 3" in work.chapters.get(position=2).body
    work.refresh_from_db()
    assert work.chapter_count == 2


def test_the_last_chapter_cannot_be_deleted(author_client, author):
    single = factories.WorkFactory(creators=[author], chapters=1)
    response = author_client.post(reverse("stories:chapter-delete", args=[single.pk, 1]), follow=True)
    assert "at least one chapter" in response.content.decode()
    assert single.chapters.count() == 1


def test_missing_chapter_is_404(author_client, work):
    assert author_client.get(reverse("stories:chapter-edit", args=[work.pk, 99])).status_code == 404


# --- deleting works ---------------------------------------------------------------


def test_creator_deletes_a_work_after_confirming(author_client, work):
    confirm = author_client.get(reverse("stories:work-delete", args=[work.pk]))
    assert confirm.status_code == 200
    assert_valid_html(confirm)
    assert Work.objects.filter(pk=work.pk).exists()
    response = author_client.post(reverse("stories:work-delete", args=[work.pk]))
    assert response.status_code == 302
    assert not Work.objects.filter(pk=work.pk).exists()
    assert not Chapter.objects.filter(work_id=work.pk).exists()


def test_deleting_a_prequel_turns_the_link_back_into_a_title(author_client, author):
    prequel = factories.WorkFactory(title="Loathing", creators=[author])
    sequel = factories.WorkFactory(title="Moving On", creators=[author])
    WorkLink.objects.create(source=sequel, kind="sequel_of", target=prequel)
    author_client.post(reverse("stories:work-delete", args=[prequel.pk]))
    link = sequel.outgoing_links.get()
    assert link.target is None and link.target_title == "Loathing"


# --- drafts list ------------------------------------------------------------------


def test_drafts_list_shows_only_own_drafts(author_client, draft, stranger):
    factories.WorkFactory(title="Their draft", creators=[stranger], status=Work.Status.DRAFT)
    page = author_client.get(reverse("stories:draft-list")).content.decode()
    assert "Secret draft" in page and "Their draft" not in page


@pytest.mark.parametrize("rows", [1, 40])
def test_drafts_list_runs_a_fixed_number_of_queries(author_client, author, rows, django_assert_max_num_queries):
    tags = [factories.TagFactory(), factories.TagFactory(kind="fandom")]
    for _ in range(rows):
        factories.WorkFactory(creators=[author], status=Work.Status.DRAFT, tags=tags)
    with django_assert_max_num_queries(6):
        response = author_client.get(reverse("stories:draft-list"))
    assert response.content.decode().count('class="blurb"') == rows


@pytest.mark.parametrize("rows", [1, 40])
def test_edit_page_runs_a_fixed_number_of_queries(author_client, author, rows, django_assert_max_num_queries):
    work = factories.WorkFactory(creators=[author], chapters=rows)
    with django_assert_max_num_queries(16):
        response = author_client.get(reverse("stories:work-edit", args=[work.pk]))
    assert response.content.decode().count(f'href="/works/{work.pk}/chapters/') >= rows


def test_preview_names_new_tags_and_suggests_existing_ones(author_client):
    factories.TagFactory(name="Hatake Kakashi", kind="character")
    factories.TagFactory(name="Naruto", kind="fandom")
    response = author_client.post(
        reverse("stories:work-post"), work_data(action="preview", characters="Hatake Kakashe", fandoms="naruto")
    )
    page = response.content.decode()
    assert "Character: “Hatake Kakashe” — did you mean “Hatake Kakashi”?" in page
    assert "Fandom: “naruto”" not in page  # exists already, whatever the case


def test_posting_a_draft_from_the_edit_page_resolves_waiting_links(author_client, author):
    sequel = factories.WorkFactory(title="Moving On", creators=[author])
    WorkLink.objects.create(source=sequel, kind="sequel_of", target_title="Loathing")
    author_client.post(reverse("stories:work-post"), work_data(action="draft"))
    draft_work = Work.objects.get(title="Loathing")
    assert sequel.outgoing_links.get().target is None  # a draft is nobody's prequel yet
    author_client.post(reverse("stories:work-edit", args=[draft_work.pk]), edit_data(action="post"))
    assert sequel.outgoing_links.get().target == draft_work


def test_expected_chapters_cannot_be_fewer_than_the_chapters_posted(author_client, work):
    response = author_client.post(reverse("stories:work-edit", args=[work.pk]), edit_data(expected_chapters="2"))
    assert "the work has 3 chapters, so it cannot expect 2" in response.content.decode()
    work.refresh_from_db()
    assert work.expected_chapters is None


def test_own_profile_links_to_drafts_and_password_change(author_client, stranger):
    page = author_client.get(reverse("stories:user-detail", args=["author"])).content.decode()
    assert reverse("stories:draft-list") in page and reverse("password_change") in page
    other = author_client.get(reverse("stories:user-detail", args=["stranger"])).content.decode()
    assert reverse("stories:draft-list") not in other


def test_huge_numbers_in_urls_and_links_are_404_or_a_message(author_client, author):
    huge = 10**30
    assert author_client.get(f"/works/{huge}/edit/").status_code == 404
    assert author_client.get(f"/works/{huge}/chapters/{huge}/edit/").status_code == 404
    work = factories.WorkFactory(creators=[author])
    assert author_client.get(f"/works/{work.pk}/chapters/{huge}/edit/").status_code == 404
    response = author_client.post(
        reverse("stories:work-post"), work_data(**{"links-0-kind": "sequel_of", "links-0-work": str(huge)})
    )
    assert "no posted work at that address" in response.content.decode()


def test_creator_moves_a_work_between_series(author_client, author, work):
    old = factories.SeriesFactory(title="Old Series", works=[work])
    old.creators.add(author)
    page = author_client.get(reverse("stories:work-edit", args=[work.pk])).content.decode()
    assert "Take this work out of" in page and "Old Series" in page
    author_client.post(
        reverse("stories:work-edit", args=[work.pk]),
        edit_data(title="Mine", new_series="New Series", leave_series=[str(old.pk)]),
    )
    assert [p.series.title for p in SeriesPart.objects.filter(work=work)] == ["New Series"]
