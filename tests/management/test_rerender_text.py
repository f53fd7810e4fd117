"""manage.py rerender_text: rows stored with an older renderer's HTML are rendered
again with today's, in batches; --dry-run only counts; a second run changes nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from stories.core.rendering import count_words, render, render_inline_markdown
from stories.models import Bookmark, Chapter, Comment, Series, Work
from tests import factories

pytestmark = pytest.mark.django_db

FOOTNOTED = '<p>She said<a href="#fn1">1</a> it twice.</p><ol><li id="fn1">Once in the rain.</li></ol>'
# What the sanitiser stored before ids were kept: the footnote's target is gone.
OLD_FOOTNOTED_HTML = '<p>She said<a href="#fn1">1</a> it twice.</p><ol><li>Once in the rain.</li></ol>'


@pytest.fixture
def stale(author, reader):
    """A work, its second chapter, a series, a comment and a bookmark whose stored
    HTML (and the chapter's word count) is what an older Quire wrote."""
    work = factories.WorkFactory(creators=[author], chapters=2, summary="A *quiet* summary.")
    chapter = work.chapters.get(position=2)
    chapter.body, chapter.body_format = FOOTNOTED, "html"
    chapter.save()
    series = factories.SeriesFactory(description="Read **in order**.", works=[work])
    comment = Comment.objects.create(work=work, chapter=chapter, user=reader, body="Loved _this_.")
    bookmark = Bookmark.objects.create(user=reader, work=work, note="For **later**.")
    Work.objects.filter(pk=work.pk).update(summary_html="<p>A quiet summary.</p>")
    Chapter.objects.filter(pk=chapter.pk).update(body_html=OLD_FOOTNOTED_HTML, word_count=99)
    Work.objects.filter(pk=work.pk).update(word_count=500)
    Series.objects.filter(pk=series.pk).update(description_html="<p>Read in order.</p>")
    Comment.objects.filter(pk=comment.pk).update(body_html="Loved this.")
    Bookmark.objects.filter(pk=bookmark.pk).update(note_html="")
    return work, chapter, series, comment, bookmark


def run(**options) -> list[str]:
    out = io.StringIO()
    call_command("rerender_text", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue().splitlines()


def test_dry_run_counts_what_would_change_and_writes_nothing(stale):
    work, chapter, series, comment, bookmark = stale

    lines = run(dry_run=True)

    assert lines == [
        "works: 1 of 1 would change (summary_html 1)",
        "chapters: 1 of 2 would change (body_html 1, word_count 1); 1 work word count(s) to sum again",
        "series: 1 of 1 would change (description_html 1)",
        "comments: 1 of 1 would change (body_html 1)",
        "bookmarks: 1 of 1 would change (note_html 1)",
    ]
    chapter.refresh_from_db()
    work.refresh_from_db()
    assert chapter.body_html == OLD_FOOTNOTED_HTML and chapter.word_count == 99
    assert work.summary_html == "<p>A quiet summary.</p>" and work.word_count == 500


def test_old_html_is_rendered_again_in_batches_and_a_second_run_changes_nothing(stale):
    work, chapter, series, comment, bookmark = stale
    chapter_updated, work_updated = chapter.updated_at, Work.objects.get(pk=work.pk).updated_at

    lines = run(batch_size=1)

    assert lines[1] == "chapters: 1 of 2 changed (body_html 1, word_count 1); 1 work word count(s) summed again"
    chapter.refresh_from_db()
    assert chapter.body_html == render(FOOTNOTED, "html")
    assert 'href="#q-fn1"' in chapter.body_html and 'id="q-fn1"' in chapter.body_html
    assert chapter.word_count == count_words(chapter.body_html) != 99
    work.refresh_from_db()
    assert work.summary_html == render_inline_markdown("A *quiet* summary.") and "<em>quiet</em>" in work.summary_html
    assert work.word_count == sum(work.chapters.values_list("word_count", flat=True)) != 500
    series.refresh_from_db()
    comment.refresh_from_db()
    bookmark.refresh_from_db()
    assert "<strong>in order</strong>" in series.description_html
    assert "<em>this</em>" in comment.body_html
    assert "<strong>later</strong>" in bookmark.note_html
    # A re-render is not an author's change.
    assert chapter.updated_at == chapter_updated and work.updated_at == work_updated

    assert run() == [
        "works: 0 of 1 changed",
        "chapters: 0 of 2 changed",
        "series: 0 of 1 changed",
        "comments: 0 of 1 changed",
        "bookmarks: 0 of 1 changed",
    ]


def test_a_batch_size_below_one_is_refused(db):
    with pytest.raises(CommandError, match="at least 1"):
        run(batch_size=0)
