"""AO3's posting rules hold on every path that writes a work: the post form, the edit
form, adding a chapter, the upload review, import_works (through the services), the
admin; the demo data obeys them too."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from stories.importers.base import ChapterDraft, WorkDraft
from stories.management.demo import DemoWorld
from stories.models import Chapter, Tag, Work
from stories.works import rules
from stories.works.rules import WorkRefused
from stories.works.services import chapter_add, work_create_from_draft
from tests import factories
from tests.authoring_support.forms import edit_data, work_data

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return Work.objects.count(), Chapter.objects.count(), Tag.objects.count()


def test_a_summary_at_the_limit_with_crlf_line_breaks_is_accepted_and_stored_with_lf(author_client):
    # What a browser sends for a textarea of 1,250 characters with 9 line breaks.
    summary = "\r\n".join(["x" * 124] * 10) + "x"
    assert rules.browser_length(summary) == 1250 and len(summary) == 1259
    response = author_client.post(reverse("stories:work-post"), work_data(summary=summary))
    assert response.status_code == 302
    work = Work.objects.get()
    assert "\r" not in work.summary and len(work.summary) == 1250


def test_a_summary_one_over_the_limit_is_refused_naming_field_and_rule(author_client):
    before = counts()
    summary = "\r\n".join(["x" * 124] * 10) + "xx"
    response = author_client.post(reverse("stories:work-post"), work_data(summary=summary))
    assert response.status_code == 200
    assert "at most 1250 characters (it has 1251)" in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"fandoms": ""}, "A work needs at least one fandom."),
        ({"fandoms": " , \u200b ,"}, "A work needs at least one fandom."),
        ({"warnings": []}, "Choose at least one archive warning"),
        ({"warnings": ["none", "death"]}, "“No Archive Warnings Apply” cannot be chosen with any other"),
        ({"warnings": ["none", "no_choice"]}, "“No Archive Warnings Apply” cannot be chosen with any other"),
        ({"rating": ""}, "This field is required"),
        ({"title": "t" * 256}, "at most 255 characters"),
        ({"notes": "n" * 5001}, "at most 5000 characters"),
        ({"chapters-0-body": "b" * 500_001}, "at most 500000 characters"),
        ({"freeforms": "f" * 151}, "at most 150 characters"),
        ({"freeforms": ", ".join(f"t{i}" for i in range(75))}, "at most 75 tags; this one has 79"),
        ({"expected_chapters": "2", "is_complete": "on"}, "has 1 of 2"),
    ],
)
def test_the_post_form_refuses_what_ao3_refuses_and_saves_nothing(author_client, overrides, message):
    before = counts()
    response = author_client.post(reverse("stories:work-post"), work_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before


def test_creator_chose_not_to_warn_may_stand_beside_specific_warnings(author_client):
    response = author_client.post(reverse("stories:work-post"), work_data(warnings=["no_choice", "death"]))
    assert response.status_code == 302
    assert Work.objects.get().warnings == ["no_choice", "death"]


@pytest.mark.parametrize(
    ("chapters", "expected", "display", "complete"),
    [(2, "2", "2/2", True), (2, "", "2/?", False), (1, "3", "1/3", False)],
)
def test_complete_is_derived_from_chapters_posted_and_expected(author_client, chapters, expected, display, complete):
    data = work_data(expected_chapters=expected, **{"chapters-TOTAL_FORMS": str(chapters)})
    for i in range(1, chapters):
        data |= {f"chapters-{i}-body": f"Chapter {i + 1}.", f"chapters-{i}-body_format": "markdown"}
    assert author_client.post(reverse("stories:work-post"), data).status_code == 302
    work = Work.objects.get()
    assert (work.chapters_display, work.is_complete) == (display, complete)
    listed = author_client.get(reverse("stories:work-list"), {"complete": "on"}).content.decode()
    assert (work.title in listed) == complete


def test_three_of_two_is_refused_and_adding_the_last_chapter_completes(author_client, author):
    data = work_data(expected_chapters="2", **{"chapters-TOTAL_FORMS": "3"})
    for i in (1, 2):
        data |= {f"chapters-{i}-body": "More.", f"chapters-{i}-body_format": "markdown"}
    response = author_client.post(reverse("stories:work-post"), data)
    assert "has 3 chapters, so it cannot expect 2" in response.content.decode()
    assert not Work.objects.exists()

    assert author_client.post(reverse("stories:work-post"), work_data(expected_chapters="2")).status_code == 302
    work = Work.objects.get()
    assert not work.is_complete
    new = reverse("stories:chapter-new", args=[work.pk])
    assert author_client.post(new, {"body": "Two.", "body_format": "markdown"}).status_code == 302
    work.refresh_from_db()
    assert (work.chapters_display, work.is_complete) == ("2/2", True)
    response = author_client.post(new, {"body": "Three.", "body_format": "markdown"})
    assert response.status_code == 200 and "cannot expect 2" in response.content.decode()
    with pytest.raises(WorkRefused):
        chapter_add(work=work, body="Three.")
    work.refresh_from_db()
    assert work.chapter_count == 2

    # Deleting a chapter makes it 1/2 again: in progress.
    author_client.post(reverse("stories:chapter-delete", args=[work.pk, 2]))
    work.refresh_from_db()
    assert (work.chapters_display, work.is_complete) == ("1/2", False)


def test_editing_cannot_expect_fewer_chapters_than_posted_or_mix_warnings(author_client, author):
    work = factories.WorkFactory(creators=[author], chapters=2, tags=[factories.TagFactory(kind="fandom")])
    url = reverse("stories:work-edit", args=[work.pk])
    response = author_client.post(url, edit_data(warnings=["none", "noncon"], expected_chapters="2"))
    assert "cannot be chosen with any other" in response.content.decode()
    work.refresh_from_db()
    assert work.warnings == ["none"] and not work.is_complete
    assert author_client.post(url, edit_data(expected_chapters="2")).status_code == 302
    work.refresh_from_db()
    assert work.is_complete and work.chapters_display == "2/2"


def _draft(**overrides) -> WorkDraft:
    values = {
        "title": "Old one-shot",
        "fandoms": ["Naruto"],
        "warnings": ["none"],
        "rating": "teen",
        "published_on": datetime.date(2008, 2, 27),
        "is_complete": True,
        "chapters": [ChapterDraft(body="Text.")],
    }
    return WorkDraft(**(values | overrides))


def test_an_imported_work_keeps_the_files_dates(author):
    work = work_create_from_draft(draft=_draft(), creators=[author])
    assert work.published_on == datetime.date(2008, 2, 27)
    assert work.updated_at.date() == datetime.date(2008, 2, 27)  # "Completed: 27 February 2008"
    assert work.is_complete and work.chapters_display == "1/1"
    later = work_create_from_draft(
        draft=_draft(title="Updated", updated_on=datetime.date(2009, 5, 1), published_on=None), creators=[author]
    )
    assert later.published_on == datetime.date(2009, 5, 1) and later.updated_at.date() == datetime.date(2009, 5, 1)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"fandoms": []}, "at least one fandom"),
        ({"warnings": ["none", "death"]}, "cannot be chosen with any other"),
        ({"summary": "s" * 1251}, "Summary may be at most 1,250"),
        ({"freeforms": [f"t{i}" for i in range(80)]}, "at most 75 tags"),
        ({"expected_chapters": 3, "is_complete": True}, "has 1 of 3"),
    ],
)
def test_the_services_refuse_what_the_form_refuses(author, overrides, message):
    before = counts()
    with pytest.raises(WorkRefused, match=message):
        work_create_from_draft(draft=_draft(**overrides), creators=[author])
    assert counts() == before


def test_import_works_refuses_a_file_without_fandom_unless_one_is_given(tmp_path, capsys):
    path = tmp_path / "story.txt"
    path.write_text("A Story\nPublished: 2010-07-12\n\nSome text.\n")
    with pytest.raises(Exception, match="1 of 1 file"):
        call_command("import_works", str(path), creator="k", create_user=True)
    assert "A work needs at least one fandom." in capsys.readouterr().err
    assert not Work.objects.exists()
    call_command("import_works", str(path), creator="k", create_user=True, fandom=["Original Work"])
    work = Work.objects.get()
    assert [t.name for t in work.fandoms] == ["Original Work"]
    assert work.published_on == datetime.date(2010, 7, 12) and work.updated_at.date() == datetime.date(2010, 7, 12)


def test_the_upload_review_lists_every_rule_the_file_breaks(author_client):
    text = "Many\nWarnings: No Archive Warnings Apply, Major Character Death\n\nText.\n"
    response = author_client.post(
        reverse("stories:work-upload"), {"file": _upload("many.txt", text.encode())}, follow=False
    )
    page = response.content.decode()
    assert "A work needs at least one fandom." in page
    assert "cannot be chosen with any other" in page


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_the_admin_refuses_mixed_warnings_and_a_work_without_fandom(client, moderator):
    work = factories.WorkFactory(warnings=["none"])
    client.force_login(moderator)
    url = reverse("admin:stories_work_change", args=[work.pk])
    page = client.get(url)
    assert page.status_code == 200
    from tests.works.test_admin import _change_form_data

    response = client.post(url, _change_form_data(work, warnings="none,death"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot be chosen with any other" in body
    assert "a work needs at least one fandom tag" in body
    work.refresh_from_db()
    assert work.warnings == ["none"]


def test_demo_data_obeys_the_posting_rules():
    world = DemoWorld(seed=7)
    for _ in range(300):
        draft = world.work(max_words=300)
        expected, problem = rules.expected_for(
            marked_complete=draft.is_complete, expected=draft.expected_chapters, chapters=len(draft.chapters)
        )
        problems = rules.work_problems(
            title=draft.title,
            rating=draft.rating,
            warnings=draft.warnings,
            tags_by_field={field: getattr(draft, field) for field in rules.TAG_FIELD_LABELS},
            texts={"summary": draft.summary, "notes": draft.notes},
            chapter_bodies=[c.body for c in draft.chapters],
            expected_chapters=expected,
        )
        assert problem is None and problems == [], (draft.title, problems)
