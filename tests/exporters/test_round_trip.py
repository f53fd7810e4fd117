"""Importing a Quire download gives the work back: every format, three works.

The works: the seed story as imported, a generated 30-chapter work with notes on
every chapter, and a work that uses every field. Each download is imported with
the importer an author would use (parse_upload by file name) and saved again;
the two works are then compared field by field. Story text is compared as its
blocks (paragraphs with their emphasis, scene breaks), and so are the summary,
notes and end notes of the work and of each chapter (italic, bold and links
included), so a difference in markup that a reader cannot see does not count and
one they can does. Every work carries emphasis and a link in each of those
fields (checked before the trip, so the comparison cannot pass on plain text)."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup

from stories.exporters import export_work, load_work_for_export
from stories.importers import parse_upload
from stories.importers.base import ChapterDraft, LinkDraft, WorkDraft
from stories.importers.text import parse as parse_text
from stories.models import Work
from stories.works.services import work_create_from_draft
from tests import factories

pytestmark = pytest.mark.django_db

FORMATS = ["epub", "html", "txt", "md"]
URL = "https://quire.example/works/1/"


def blocks(fragment: str, *, emphasis: bool = True) -> list[str]:
    """Rendered HTML -> what a reader sees, block by block: "p:text with _em_,
    *strong* and [a link](https://…)", "hr". Links to other pages count (a reader
    follows them); links inside the page (footnotes) are checked on their own."""
    soup = BeautifulSoup(fragment or "", "html.parser")
    if emphasis:
        for tag in soup.find_all("a", href=re.compile(r"^(https?|mailto):")):
            tag.insert(0, "[")
            tag.append(f"]({tag['href']})")
        for tag in soup.find_all(["em", "i", "strong", "b"]):
            if not tag.get_text().strip():
                continue  # emphasis of nothing shows nothing
            mark = "*" if tag.name in {"strong", "b"} else "_"
            tag.insert(0, mark)
            tag.append(mark)
    for br in soup.find_all("br"):
        br.replace_with("\n")
    out = []
    for element in soup.find_all(["p", "li", "hr", "h1", "h2", "h3", "h4", "h5", "h6"]):
        if element.name == "hr":
            out.append("hr")
        elif not element.find(["p", "li"]):
            text = " ".join(element.get_text().split())
            if text:
                out.append("p:" + text)
    return out


def snapshot(work: Work) -> dict:
    """Everything a round trip must keep, in comparable form."""
    work = load_work_for_export(work.pk)
    return {
        "title": work.title,
        "creators": [u.username for u in work.creator_users],
        "rating": work.rating,
        "warnings": sorted(work.warnings),
        "categories": sorted(work.categories),
        "fandoms": [t.name for t in work.fandoms],
        "relationships": [t.name for t in work.relationships],
        "characters": [t.name for t in work.characters],
        "freeforms": [t.name for t in work.freeforms],
        "language": work.language,
        "summary": blocks(work.summary_html),
        "disclaimer": " ".join(work.disclaimer.split()),
        "notes": blocks(work.notes_html),
        "end_notes": blocks(work.end_notes_html),
        "series": sorted((p.series.title, p.position) for p in work.series_parts.all()),
        "links": [(link.kind, link.target_display, link.target_author, link.target_url) for link in work.links_out],
        "published_on": work.published_on,
        "updated_on": work.updated_at.date(),
        "is_complete": work.is_complete,
        "chapters_display": work.chapters_display,
        "chapters": [
            {
                "title": c.title,
                "summary": blocks(c.summary_html),
                "notes": blocks(c.notes_html),
                "end_notes": blocks(c.end_notes_html),
                "body": blocks(c.body_html),
            }
            for c in work.chapters.all()
        ],
    }


def round_trip(work: Work, fmt: str) -> tuple[WorkDraft, Work]:
    exported = export_work(load_work_for_export(work.pk), fmt, url=URL)
    draft = parse_upload(exported.filename, exported.data)
    users = list(work.creators.all())
    by_name = {u.username: u for u in users}
    again = work_create_from_draft(draft=draft, creators=[by_name[name] for name in draft.creators if name in by_name])
    return draft, again


EMPHASIS_MARKS = ("_", "*", "](")


def assert_emphasis_everywhere(expected: dict) -> None:
    """The work's summary, notes and end notes, and some chapter's summary, notes
    and end notes, each show italic, bold and a link."""
    for key in ("summary", "notes", "end_notes"):
        shown = " ".join(expected[key])
        assert all(mark in shown for mark in EMPHASIS_MARKS), (key, shown)
        chapter_shown = " ".join(" ".join(c[key]) for c in expected["chapters"])
        assert all(mark in chapter_shown for mark in EMPHASIS_MARKS), ("chapter " + key, chapter_shown)


def assert_same(work: Work, fmt: str) -> None:
    # Taken before the import: the copy joins the same series at the same place,
    # which moves the original one part down (positions are unique).
    expected = snapshot(work)
    assert_emphasis_everywhere(expected)
    draft, again = round_trip(work, fmt)
    got = snapshot(again)
    assert draft.creators == expected["creators"], fmt
    for key in expected:
        if key == "chapters":
            assert len(got["chapters"]) == len(expected["chapters"]), fmt
            for n, (want, have) in enumerate(zip(expected["chapters"], got["chapters"], strict=True), start=1):
                assert have == want, (fmt, n)
        else:
            assert got[key] == expected[key], (fmt, key)


@pytest.fixture
def seed_work(seeds, author):
    draft = parse_text((seeds / "moving-on.txt").read_bytes())
    draft.fandoms = ["Naruto"]  # the file names none, and a work needs one (as import_works --fandom gives)
    # The seed has no emphasis in its notes: one marked sentence is added to each.
    draft.summary += "\n\nRead _the first_ one **first**: [on the shelf](https://example.org/shelf)."
    draft.notes += "\n\nWith *thanks* to **everyone** at [the club](https://example.org/club)."
    draft.end_notes = "That was _it_, **truly**; more at [my page](https://example.org/me)."
    only = draft.chapters[0]
    only.summary = "The _whole_ story in **one** go ([why](https://example.org/why))."
    only.notes = "Set *after* the **first** one, see [the list](https://example.org/list)."
    only.end_notes = "Written in _one_ **night** ([notes](https://example.org/notes))."
    return work_create_from_draft(draft=draft, creators=[author])


@pytest.fixture
def long_work(author):
    """30 chapters, each with a title, a summary, notes, end notes, emphasis,
    several paragraphs and a scene break, written here."""
    chapters = [
        ChapterDraft(
            title=f"Step {n}" if n % 3 else "",
            summary=f"Where step {n} goes, _slowly_ and **surely** ([why](https://example.org/why/{n})).",
            notes=f"A **note** before step {n}.\nSigned, *the* writer of [the map](https://example.org/map/{n}).",
            end_notes=f"After step {n}, a *thank you* and a **wave** to [the walkers](https://example.org/w).",
            body=(
                f"Step {n} opens with *a quiet* word.\n\nThen **a loud** one, and a line\nthat breaks.\n\n"
                f"* * *\n\nThe last paragraph of step {n}."
            ),
            body_format="markdown",
        )
        for n in range(1, 31)
    ]
    draft = WorkDraft(
        title="Thirty Steps",
        summary="A _long_ walk, **thirty** steps from [the start](https://example.org/start).",
        notes="Begun on *a whim*.\n\nFinished on **a dare**, as [told here](https://example.org/dare).",
        end_notes="Thanks for _walking_ with me, **all** of you (see [the route](https://example.org/route)).",
        rating="general",
        warnings=["none"],
        fandoms=["Original Work"],
        published_on=datetime.date(2020, 1, 2),
        updated_on=datetime.date(2020, 6, 7),
        expected_chapters=40,
        chapters=chapters,
    )
    return work_create_from_draft(draft=draft, creators=[author])


# The metadata of a work using every field the downloads carry (full_work adds its
# series, links and chapters).
EVERY_FIELD = {
    "title": 'Every "Field" & <Angle> #1',
    "summary": "First *summary* paragraph.\n\nSecond **bold** paragraph, [linked](https://example.org/s).",
    "disclaimer": "Not mine; the world belongs to its maker.",
    "notes": "Opening _notes_.\nA **second** line with [a link](https://example.org/n) & an ampersand.",
    "end_notes": "Closing *notes*, **loud**, and [a last link](mailto:writer@example.org).",
    "rating": "explicit",
    "warnings": ["violence", "death"],
    "categories": ["ff", "multi"],
    "fandoms": ["Fandom One", "Fandom Two (TV)"],
    "relationships": ["Ana/Bea", "Ana & Cy"],
    "characters": ["Ana", "Bea", "Cy"],
    "freeforms": ["Slow Burn", "Hurt/Comfort", "Footnotes"],
    "language": "fr",
    "published_on": datetime.date(2015, 3, 4),
    "updated_on": datetime.date(2016, 5, 6),
    "is_complete": True,
    "expected_chapters": 3,
}


@pytest.fixture
def full_work(author, reader):
    """A work using every field the downloads carry."""
    factories.WorkFactory(title="The Earlier One", creators=[author])
    draft = WorkDraft(
        **EVERY_FIELD,
        series=[("Seasons at Starfall", 2), ("Another Set", 1)],
        links=[
            LinkDraft(kind="sequel_of", title="The Earlier One"),
            LinkDraft(
                kind="inspired_by",
                title="Someone Else's Story",
                author="otherwriter",
                url="https://example.org/works/9",
            ),
            LinkDraft(kind="translation_of", title="Tout Le Reste", author="traductrice"),
        ],
        chapters=[
            ChapterDraft(
                title="Prologue",
                notes="Chapter _one_ notes, **bold** ones, [linked](https://example.org/c1).",
                body='<p>It began<a href="#fn1">1</a> with <em>rain</em>.</p><hr><p><strong>Loud</strong> end.</p>'
                '<ol><li id="fn1">A footnote.</li></ol>',
                body_format="html",
            ),
            ChapterDraft(
                title="",
                summary="The *middle*, **halfway**, [marked](https://example.org/mid).",
                body="Plain text middle.\n\nxXxXx\n\nMore.",
                body_format="text",
            ),
            ChapterDraft(
                title="Chapter Eleven Ends It",
                end_notes="Last _chapter_ notes, **done**, [the end](https://example.org/end).",
                body="Final *words*.\n\nThe End",
                body_format="markdown",
            ),
        ],
    )
    return work_create_from_draft(draft=draft, creators=[author, reader])


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_story_download_imports_back_the_same_work(seed_work, fmt):
    assert_same(seed_work, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_thirty_chapter_work_with_notes_everywhere_imports_back(long_work, fmt):
    assert_same(long_work, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_work_using_every_field_imports_back(full_work, fmt):
    assert_same(full_work, fmt)


@pytest.mark.parametrize("fmt", ["epub", "html", "md"])
def test_footnote_links_still_reach_their_notes_after_a_round_trip(full_work, fmt):
    _, again = round_trip(full_work, fmt)
    body = again.chapters.get(position=1).body_html
    targets = set(re.findall(r'href="#([^"]+)"', body))
    ids = set(re.findall(r'id="([^"]+)"', body))
    assert targets and targets <= ids, (targets, ids)


def test_epub_of_the_work_using_every_field_passes_epubcheck(full_work, tmp_path):
    from tests.exporters.test_exporters import epubcheck

    data = export_work(load_work_for_export(full_work.pk), "epub", url=URL).data
    result = epubcheck(tmp_path, data)
    assert result.returncode == 0, result.stdout + result.stderr
