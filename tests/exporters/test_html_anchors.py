"""In the one-page HTML download every chapter's footnotes keep working, even when
chapters reuse the same ids."""

import re

import pytest

from stories.exporters import export_work, load_work_for_export
from stories.importers.base import ChapterDraft, WorkDraft
from stories.works.services import work_create_from_draft

pytestmark = pytest.mark.django_db
NOTE = '<p>Text<a href="#fn1">1</a></p><ol><li id="fn1">Note {n}.</li></ol>'


def test_each_chapter_links_to_its_own_footnote(author):
    chapters = [ChapterDraft(body=NOTE.format(n=n), body_format="html") for n in (1, 2, 3)]
    work = work_create_from_draft(
        draft=WorkDraft(title="Notes", fandoms=["Original Work"], chapters=chapters), creators=[author]
    )
    page = export_work(load_work_for_export(work.pk), "html", url="https://quire.example/works/1/").data.decode()
    ids = re.findall(r'\bid="(q-[^"]+)"', page)
    assert len(ids) == len(set(ids)) == 3
    targets = re.findall(r'href="#(q-[^"]+)"', page)
    assert [re.search(rf'id="{t}">Note (\d)', page).group(1) for t in targets] == ["1", "2", "3"]
