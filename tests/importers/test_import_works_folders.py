"""`import_works` on folders: recursive, a progress bar, a summary, and files
imported before are recognised (by the SHA-256 of their bytes, then by title and
first chapter). The 200 files are generated here."""

import io
import time

import pytest
from django.core.management import CommandError, call_command

from stories.exporters import export_work, load_work_for_export
from stories.importers.base import ChapterDraft, WorkDraft
from stories.models import ImportedFile, Work
from stories.works.services import work_create_from_draft, work_delete
from tests import factories
from tests.authoring_support import files

pytestmark = pytest.mark.django_db


def text_file(n: int) -> bytes:
    return (
        f"Story Number {n}\nRated: Fiction K+\nPublished: 7/12/2010\nSummary: Summary {n}.\n\n"
        f"Chapter One: Begin\nA/N: note {n}\nThe first text of {n}.\nChapter Two: End\nThe second text of {n}.\n"
    ).encode()


def markdown_file(n: int) -> bytes:
    return f"# Markdown Story {n}\n\nRating: T\n\nSome *text* for story {n}.\n\n* * *\n\nMore of {n}.\n".encode()


def html_file(n: int) -> bytes:
    return files.ao3_html(title=f"HTML Story {n}")


def epub_file(n: int) -> bytes:
    return files.plain_epub(
        {"a.xhtml": files.xhtml(f"<h2>Chapter 1: Only</h2><p>The epub text of story {n}.</p>")}, title=f"EPUB Story {n}"
    )


MAKERS = [("txt", text_file), ("md", markdown_file), ("html", html_file), ("epub", epub_file)]


def run(*args, **kwargs) -> tuple[str, str]:
    """import_works as a shell would run it; the generated files name no fandom, and
    a work needs one, so --fandom gives it as an archivist would."""
    out, err = io.StringIO(), io.StringIO()
    kwargs.setdefault("fandom", ["Original Work"])
    call_command("import_works", *args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def test_a_folder_of_200_mixed_files_imports_and_a_second_run_imports_nothing_new(tmp_path, capsys):
    for n in range(200):
        ext, make = MAKERS[n % 4]
        folder = tmp_path / f"batch-{n % 5}" / ("deeper" if n % 2 else "")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"story-{n:03}.{ext}").write_bytes(make(n))
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "skip.txt").write_bytes(text_file(999))
    (tmp_path / "notes.docx").write_bytes(b"not a story")

    started = time.monotonic()
    out, err = run(str(tmp_path), creator="archivist", create_user=True)
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\nimport_works: 200 files in {elapsed:.1f}s = {200 / elapsed:.1f} files/s")

    assert Work.objects.count() == 200
    assert out.count(" -> /works/") == 200
    assert "200 file(s)" in err and "200 imported, 0 already there, 0 refused." in err
    assert "%|" in err  # tqdm's bar was drawn
    text_work = Work.objects.get(title="Story Number 0")
    assert text_work.rating == "general" and text_work.published_on.isoformat() == "2010-07-12"
    assert [c.title for c in text_work.chapters.all()] == ["Begin", "End"]

    assert ImportedFile.objects.count() == 200

    out, err = run(str(tmp_path), creator="archivist")
    assert Work.objects.count() == 200
    assert out == ""
    assert "0 imported, 200 already there, 0 refused." in err
    # Known by their bytes, before being read again.
    assert err.count(", the same file)") == 200


def test_summary_names_refused_files_with_their_reason(tmp_path):
    (tmp_path / "good.txt").write_bytes(text_file(1))
    (tmp_path / "empty.md").write_bytes(b"")
    with pytest.raises(CommandError, match="1 of 2 file"):
        run(str(tmp_path), creator="archivist", create_user=True)
    assert Work.objects.count() == 1


def test_a_renamed_and_moved_file_is_still_recognised_by_its_bytes(tmp_path, author):
    first = tmp_path / "inbox" / "a.txt"
    first.parent.mkdir()
    first.write_bytes(text_file(1))
    run(str(first), creator="author")
    moved = tmp_path / "sorted" / "deeper" / "renamed story.txt"
    moved.parent.mkdir(parents=True)
    first.rename(moved)

    out, err = run(str(tmp_path), creator="author")

    work = Work.objects.get()
    assert "0 imported, 1 already there" in err
    assert f"already there: {moved} (/works/{work.pk}/, the same file)" in err
    assert list(ImportedFile.objects.values_list("name", "work")) == [("a.txt", work.pk)]


def test_one_byte_changed_in_a_later_chapter_is_the_same_work_by_its_text(tmp_path, author):
    """The file is no longer the same file, but its title and first chapter read the
    same: the text rule takes it for the work imported before (a Quire download of
    that work, or the work in another format, differs in its bytes the same way)."""
    path = tmp_path / "a.txt"
    path.write_bytes(text_file(1))
    run(str(path), creator="author")
    changed = text_file(1).replace(b"The second text", b"The second test")
    assert len(changed) == len(text_file(1))
    path.write_bytes(changed)

    out, err = run(str(path), creator="author")

    work = Work.objects.get()
    assert "0 imported, 1 already there" in err
    assert f"(/works/{work.pk}/, the same title and first chapter; the file differs)" in err
    assert ImportedFile.objects.count() == 1  # the changed file is not recorded as imported


def test_one_byte_changed_in_the_first_chapter_is_imported_as_a_new_work(tmp_path, author):
    """Neither rule matches: other bytes, and a first chapter that reads differently."""
    path = tmp_path / "a.txt"
    path.write_bytes(text_file(1))
    run(str(path), creator="author")
    path.write_bytes(text_file(1).replace(b"The first text", b"The first test"))
    out, err = run(str(path), creator="author")
    assert "1 imported" in err and Work.objects.count() == 2
    assert ImportedFile.objects.count() == 2


def test_a_deleted_work_can_be_imported_again_from_the_same_file(tmp_path, author):
    path = tmp_path / "a.txt"
    path.write_bytes(text_file(1))
    run(str(path), creator="author")
    work_delete(work=Work.objects.get())
    assert ImportedFile.objects.count() == 0
    out, err = run(str(path), creator="author")
    assert "1 imported" in err and Work.objects.count() == 1


def test_the_same_title_by_another_creator_is_not_taken_for_an_earlier_import(tmp_path, author):
    path = tmp_path / "a.txt"
    path.write_bytes(text_file(1))
    run(str(path), creator="author")
    run(str(path), creator="someone", create_user=True)
    assert Work.objects.count() == 2


def test_a_quire_download_reimported_by_its_creator_is_already_there(tmp_path, author):
    draft = WorkDraft(
        title="Mine", fandoms=["Original Work"], chapters=[ChapterDraft(body="Words *here*.", body_format="markdown")]
    )
    work = work_create_from_draft(draft=draft, creators=[author])
    factories.WorkFactory(title="Other")
    exported = export_work(load_work_for_export(work.pk), "epub", url="https://quire.example/works/1/")
    (tmp_path / exported.filename).write_bytes(exported.data)
    out, err = run(str(tmp_path), creator="author")
    assert "0 imported, 1 already there" in err and Work.objects.filter(title="Mine").count() == 1


def test_what_the_review_would_show_is_listed_for_checking(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"Odd Dates\nPublished: someday\nDisclaimer: I don't own Naruto.\n\nText.\n")
    out, err = run(str(tmp_path), creator="archivist", create_user=True)
    assert '"someday" could not be read' in err and "names Naruto" in err
    assert err.count("to check: ") == 2
