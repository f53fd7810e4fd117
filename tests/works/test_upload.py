"""Upload -> review -> post, and every kind of bad file through the real upload form."""

import re

import html5lib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from stories.models import Chapter, Series, SeriesPart, Tag, TaggedWork, Work, WorkLink
from tests.authoring_support import files

pytestmark = pytest.mark.django_db


def counts() -> tuple:
    return tuple(m.objects.count() for m in (Work, Chapter, Tag, TaggedWork, WorkLink, Series, SeriesPart))


@pytest.fixture
def author_client(author):
    # CSRF on, as in a browser: each POST sends the token from the page it came from.
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    return client


def csrf_token(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def upload(client: Client, name: str, data: bytes):
    token = csrf_token(client, reverse("stories:work-upload"))
    return client.post(
        reverse("stories:work-upload"),
        # In page order, as a browser sends it: the token comes before the file.
        {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile(name, data)},
    )


def form_fields(page: str) -> dict:
    """The review form as the browser would submit it (inputs, textareas, selects)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "lxml")
    form = soup.find("form", id="work-form")
    data: dict = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name:
            continue
        if element.name == "textarea":
            data[name] = element.get_text()
        elif element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif element.get("type") == "checkbox":
            if element.has_attr("checked"):
                data.setdefault(name, []).append(element.get("value", "on"))
        elif element.get("type") not in {"submit", "file"}:
            data[name] = element.get("value", "")
    return data


def test_upload_page_is_valid_html(author_client):
    response = author_client.get(reverse("stories:work-upload"))
    assert response.status_code == 200
    html5lib.HTMLParser(strict=True).parse(response.content.decode())
    assert 'for="id_file"' in response.content.decode()


def test_guest_cannot_upload(client):
    response = client.get(reverse("stories:work-upload"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_upload_fills_the_form_and_saves_nothing_until_posted(author_client, seeds):
    before = counts()
    response = upload(author_client, "moving-on.txt", (seeds / "moving-on.txt").read_bytes())
    assert response.status_code == 200
    assert counts() == before
    page = response.content.decode()
    assert "Review your upload" in page
    html5lib.HTMLParser(strict=True).parse(page)
    data = form_fields(page)
    assert data["title"] == "Moving On"
    assert data["rating"] == "teen"
    assert data["published_on"] == "2008-02-27"
    assert data["summary"].strip() == "Kakashi wants to move on. Sequel to 'Loathing'"
    assert data["links-0-kind"] == "sequel_of" and data["links-0-title"] == "Loathing"
    assert data["is_complete"] == ["on"]
    assert data["chapters-TOTAL_FORMS"] == "1"
    # The file names no fandom: the review says so before the author posts, and posting
    # without one is refused with the field's rule.
    assert "A work needs at least one fandom." in page
    data["action"] = "post"
    refused = author_client.post(reverse("stories:work-post"), data)
    assert refused.status_code == 200 and "A work needs at least one fandom." in refused.content.decode()
    assert counts() == before

    data["fandoms"] = "Naruto"
    response = author_client.post(reverse("stories:work-post"), data)
    assert response.status_code == 302
    work = Work.objects.get(title="Moving On")
    assert work.is_posted and work.rating == "teen" and str(work.published_on) == "2008-02-27"
    body_html = work.chapters.get().body_html
    # 74 story paragraphs and one scene break; the closing "x Fin x" line is kept as the ending.
    paragraphs = re.findall(r"<p>(.*?)</p>", body_html, re.S)
    assert len(paragraphs) == 75 and paragraphs[-1] == "x Fin x"
    assert body_html.count("<hr>") == 1
    assert work.is_complete
    assert 1900 < work.word_count < 2050
    assert work.outgoing_links.get().target_title == "Loathing"


def test_ao3_epub_upload_carries_every_chapter_through_the_review(author_client):
    response = upload(author_client, "moving-on.epub", files.ao3_epub())
    data = form_fields(response.content.decode())
    assert data["chapters-TOTAL_FORMS"] == "2"
    assert data["chapters-1-title"] == "Spring"
    assert data["relationships"] == "Hatake Kakashi/Umino Iruka"
    assert data["new_series"] == "Seasons" and data["series_position"] == "2"
    data["action"] = "post"
    author_client.post(reverse("stories:work-post"), data)
    work = Work.objects.get(title="Moving On")
    assert [c.title for c in work.chapters.order_by("position")] == ["Winter", "Spring"]
    assert work.chapters_display == "2/2"
    assert [t.name for t in work.fandoms] == ["Naruto"]
    assert SeriesPart.objects.get(work=work).series.title == "Seasons"


def test_hostile_html_upload_is_sanitised_and_the_rest_kept(author_client):
    hostile = (
        b"<html><head><title>Hostile</title><style>body{display:none}</style></head><body>"
        b"<p onmouseover='steal()'>Good text stays.</p><script>alert(1)</script>"
        b"<a href='javascript:alert(2)'>js</a><img src='data:text/html;base64,PHNjcmlwdD4=' alt='d'>"
        b"<p style='background:url(javascript:alert(3))'>Styled.</p>"
        b"<iframe src='https://evil.example'></iframe></body></html>"
    )
    response = upload(author_client, "hostile.html", hostile)
    data = form_fields(response.content.decode())
    data["fandoms"] = data.get("fandoms") or "Original Work"
    data["action"] = "post"
    author_client.post(reverse("stories:work-post"), data)
    chapter = Chapter.objects.get(work__title="Hostile")
    for bad in ("<script", "onmouseover", "javascript:", "data:text", "style=", "<iframe", "display:none"):
        assert bad not in chapter.body_html
    assert "Good text stays." in chapter.body_html and "Styled." in chapter.body_html
    page = author_client.get(chapter.work.get_absolute_url()).content.decode()
    assert "<script>alert" not in page


def big_file_settings(settings):
    settings.QUIRE_MAX_UPLOAD_MB = 1


BAD_FILES = [
    ("empty.txt", b"", "The file is empty"),
    ("blank.txt", b"   \n\n  ", "The file is empty"),
    ("binary.txt", b"\x00\x01\x02\x03PNG\x00\x00" * 50, "binary file"),
    ("story.docx", b"PK\x03\x04 word document", "cannot read .docx files"),
    ("latin.txt", b"Title\n\nSome text" + b"\x81\x8d\x8f\xc3(", "encoding"),
    ("broken.epub", b"definitely not a zip", "not an EPUB"),
    ("bomb.epub", files.zip_bytes({"OEBPS/bomb.xhtml": b"\0" * (60 * 1024 * 1024)}), "zip bomb"),
    ("traversal.epub", files.zip_bytes({"../../../etc/cron.d/evil": b"x"}), "unsafe file name"),
    ("no-opf.epub", files.zip_bytes({"mimetype": b"application/epub+zip"}), "container.xml"),
    (
        "missing-opf.epub",
        files.zip_bytes({"META-INF/container.xml": files.CONTAINER.format(path="nope.opf").encode()}),
        "no package document",
    ),
    (
        "gigabyte.epub",
        files.with_declared_size(files.ao3_epub(), "OEBPS/preface.xhtml", 1024 * 1024 * 1024),
        "expand",
    ),
    ("empty.html", b"<html><body><script>alert(1)</script></body></html>", "no text"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_gets_a_message_on_the_form_and_saves_nothing(author_client, name, data, message):
    before = counts()
    response = upload(author_client, name, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'role="alert"' in page
    assert "Upload a work" in page  # back on the upload form, not a review
    assert counts() == before


def test_file_over_the_size_limit_is_refused(author_client, settings):
    settings.QUIRE_MAX_UPLOAD_MB = 1
    before = counts()
    response = upload(author_client, "huge.txt", b"Title\n\n" + b"words and more words\n" * 60_000)
    assert "larger than the 1 MB limit" in response.content.decode()
    assert counts() == before


def test_upload_far_over_the_limit_is_stopped_while_it_arrives(author_client, settings):
    settings.QUIRE_MAX_UPLOAD_MB = 1
    before = counts()
    response = upload(author_client, "huge.epub", b"PK\x03\x04" + b"\0" * (3 * 1024 * 1024))
    page = response.content.decode()
    assert "larger than the 1 MB limit" in page and "Choose a file" not in page
    assert counts() == before


def test_no_file_chosen_gets_a_message(author_client):
    token = csrf_token(author_client, reverse("stories:work-upload"))
    response = author_client.post(reverse("stories:work-upload"), {"csrfmiddlewaretoken": token})
    assert "Choose a file to upload." in response.content.decode()


def test_upload_without_csrf_token_is_refused(author_client, seeds):
    response = author_client.post(
        reverse("stories:work-upload"),
        {"file": SimpleUploadedFile("moving-on.txt", (seeds / "moving-on.txt").read_bytes())},
    )
    assert response.status_code == 403


def test_import_works_command_reads_html_and_epub(tmp_path, author):
    (tmp_path / "ao3.html").write_bytes(files.ao3_html(title="From HTML"))
    (tmp_path / "ao3.epub").write_bytes(files.ao3_epub(title="From EPUB"))
    call_command("import_works", str(tmp_path / "ao3.html"), str(tmp_path / "ao3.epub"), "--creator", "author")
    for title in ("From HTML", "From EPUB"):
        work = Work.objects.get(title=title)
        assert work.chapter_count == 2 and work.rating == "teen"
        assert [u.username for u in work.creator_users] == ["author"]
        assert sorted(t.name for t in work.freeforms) == ["Angst", "Hurt/Comfort"]


def test_upload_with_a_ten_thousand_character_title_warns_and_posting_saves_nothing_bad(author_client):
    before = counts()
    response = upload(author_client, "long.txt", ("T" * 10_000 + "\nRating: T\n\nSome story text.").encode())
    page = response.content.decode()
    assert "The title is 10,000 characters long; it was cut to 255." in page
    assert counts() == before
    data = form_fields(page)
    assert len(data["title"]) == 255


def test_upload_with_500_tags_warns_and_the_post_is_refused(author_client):
    tags = ", ".join(f"Tag {i}" for i in range(500))
    response = upload(author_client, "tags.txt", f"Many Tags\nTags: {tags}\n\nSome story text.".encode())
    page = response.content.decode()
    assert "A work may have at most 75 tags; this one has 500." in page
    data = form_fields(page)
    data["action"] = "post"
    before = counts()
    token = csrf_token(author_client, reverse("stories:work-post"))
    response = author_client.post(reverse("stories:work-post"), {**data, "csrfmiddlewaretoken": token})
    assert "at most 75 tags; this one has 500" in response.content.decode()
    assert counts() == before


def test_fanficfare_epub_goes_through_review_with_all_its_chapters(author_client, fanficfare_files):
    response = upload(author_client, "story.epub", fanficfare_files["epub"].read_bytes())
    data = form_fields(response.content.decode())
    assert data["chapters-TOTAL_FORMS"] == "9"
    data["action"] = "draft"
    author_client.post(reverse("stories:work-post"), data)
    work = Work.objects.get(title="Test Story Title 1")
    assert work.status == Work.Status.DRAFT and work.chapter_count == 9
    assert "<script" not in "".join(work.chapters.values_list("body_html", flat=True))
    assert SeriesPart.objects.get(work=work).series.title == "The Great Test"


def test_the_review_says_what_the_import_repaired_and_asks_for_a_date_it_could_not_read(author_client):
    # A file whose date is in no form Quire reads, whose text carries mojibake, and
    # whose disclaimer names a fandom: the review says all three before anything is saved.
    text = (
        "A Quiet Harbour\n\n"
        "Published: the second Tuesday after the thaw\n"
        "Disclaimer: I don't own Harbourverse.\n\n"
        "She didnâ€™t look back at the boats.\n\n"
        "The gulls said what she would not.\n"
    )
    before = counts()

    response = upload(author_client, "harbour.txt", text.encode())

    page = response.content.decode()
    assert response.status_code == 200
    assert "the second Tuesday after the thaw" in page and "could not be read" in page
    assert "didn’t" in page and "Repaired" in page
    assert "Harbourverse" in page
    fields = form_fields(page)
    assert fields["published_on"] == ""  # asked for, never filled in with today
    assert counts() == before
