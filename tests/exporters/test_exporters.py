import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from stories.exporters import safe_filename
from stories.importers import text as text_importer
from stories.models import WorkLink
from stories.works.services import work_create_from_draft
from tests import factories

pytestmark = pytest.mark.django_db

EPUBCHECK = Path("/usr/share/java/epubcheck.jar")


def epubcheck(tmp_path: Path, data: bytes) -> subprocess.CompletedProcess:
    if not EPUBCHECK.exists():
        pytest.fail("EPUBCheck is missing: `make test` installs Debian's epubcheck package")
    path = tmp_path / "book.epub"
    path.write_bytes(data)
    return subprocess.run(
        ["java", "-jar", str(EPUBCHECK), str(path)], capture_output=True, text=True, timeout=180, check=False
    )


@pytest.fixture
def seed_work(seeds, author):
    draft = text_importer.parse((seeds / "moving-on.txt").read_bytes())
    draft.fandoms = ["Naruto"]
    return work_create_from_draft(draft=draft, creators=[author])


def download(client, work, fmt):
    response = client.get(reverse("stories:work-download", args=[work.pk, fmt]))
    assert response.status_code == 200, response.content[:300]
    return response


def test_seed_story_epub_passes_epubcheck(client, seed_work, tmp_path):
    response = download(client, seed_work, "epub")
    assert response["Content-Type"] == "application/epub+zip"
    assert response["Content-Disposition"] == 'attachment; filename="Moving On.epub"'
    result = epubcheck(tmp_path, response.content)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors or warnings detected" in result.stdout + result.stderr
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        text = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert "Kakashi wants to move on." in text and "Loathing" in text and "Teen And Up Audiences" in text


def test_thirty_chapter_epub_passes_epubcheck(client, tmp_path):
    tag = factories.TagFactory(name="Fluff & <Angst>")
    work = factories.WorkFactory(title='Thirty: a "long" one', chapters=30, tags=[tag], notes="Some *notes*.")
    response = download(client, work, "epub")
    result = epubcheck(tmp_path, response.content)
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        chapters = [n for n in book.namelist() if "chapter-" in n]
    assert len(chapters) == 30


def test_text_markdown_and_html_carry_the_metadata_and_every_chapter(client, seed_work):
    loathing = factories.WorkFactory(title="Loathing", creators=list(seed_work.creators.all()))
    WorkLink.objects.filter(source=seed_work).update(target=loathing)
    series = factories.SeriesFactory(title="Kakashi Arc", works=[seed_work])
    assert series
    for fmt, kind in [("txt", "text/plain"), ("md", "text/markdown"), ("html", "text/html")]:
        response = download(client, seed_work, fmt)
        assert response["Content-Type"].startswith(kind)
        assert f'filename="Moving On.{fmt}"' in response["Content-Disposition"]
        body = response.content.decode()
        for expected in [
            "Moving On",
            "author",
            "Teen And Up Audiences",
            "Kakashi wants to move on.",
            "Sequel to",
            "Loathing",
            "Part 1 of Kakashi Arc",
            "2008-02-27",
            "Words",
            f"/works/{seed_work.pk}/",
            "Disclaimer",
        ]:
            assert expected in body, (fmt, expected)
    html = download(client, seed_work, "html").content.decode()
    assert "<script" not in html and "<link" not in html  # self-contained


def test_every_chapter_is_in_the_text_download(client):
    work = factories.WorkFactory(chapters=3)
    body = download(client, work, "txt").content.decode()
    assert all(f"The text of chapter {n}." in body for n in (1, 2, 3))
    md = download(client, work, "md").content.decode()
    assert all(f"## Chapter {n}" in md for n in (1, 2, 3))


def test_unicode_titles_get_an_rfc_6266_filename(client):
    work = factories.WorkFactory(title="Café/Crème")
    response = download(client, work, "txt")
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Caf%C3%A9Cr%C3%A8me.txt"


def test_unknown_format_and_unknown_work_are_404(client):
    work = factories.WorkFactory()
    assert client.get(f"/works/{work.pk}/download.pdf").status_code == 404
    assert client.get("/works/999999/download.epub").status_code == 404


def test_drafts_and_restricted_works_are_not_downloadable_by_others(client, author, reader):
    draft = factories.WorkFactory(status="draft", creators=[author])
    restricted = factories.WorkFactory(restricted=True)
    assert client.get(reverse("stories:work-download", args=[draft.pk, "txt"])).status_code == 404
    assert client.get(reverse("stories:work-download", args=[restricted.pk, "txt"])).status_code == 404
    client.force_login(reader)
    assert client.get(reverse("stories:work-download", args=[restricted.pk, "txt"])).status_code == 200
    assert client.get(reverse("stories:work-download", args=[draft.pk, "txt"])).status_code == 404


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Moving On", "Moving On.epub"),
        ("../../etc/passwd", "etcpasswd.epub"),
        ('Quote "me" \\ / : * ? < > |', "Quote me.epub"),
        ("Café Crème", "Café Crème.epub"),
        ("日本語", "日本語.epub"),
        ("\x00\x1f", "work-1.epub"),
        ("...", "work-1.epub"),
        ("x" * 300, "x" * 100 + ".epub"),
    ],
)
def test_safe_filename(title, expected):
    assert safe_filename(title, "epub", fallback="work-1") == expected
