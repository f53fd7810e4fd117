"""Comments in pages of threads: which top-level comments (and all their replies) a
chapter page shows, and the lasting address of a comment (the chapter page that
shows it, at the comment)."""

from collections import defaultdict

from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest

from stories.core.paging import page_number
from stories.models import Chapter, Comment

COMMENT_THREADS_PER_PAGE = 30
UNSHOWN_USER_FIELDS = ("password", "last_login", "first_name", "last_name", "email", "date_joined")
# The ids of the page's top-level comments (threads) of each shown chapter, with how
# many threads each chapter has, and of every reply below them: one statement.
_THREAD_PAGE_SQL = """
    WITH RECURSIVE page AS (
        SELECT id, chapter_id, threads FROM (
            SELECT id, chapter_id, count(*) OVER (PARTITION BY chapter_id) AS threads,
                   row_number() OVER (PARTITION BY chapter_id ORDER BY created_at, id) AS place
            FROM stories_comment WHERE chapter_id = ANY(%s) AND parent_id IS NULL
        ) numbered
        WHERE place > %s AND place <= %s
    ), below (id) AS (
        SELECT id FROM page
        UNION ALL
        SELECT c.id FROM stories_comment c JOIN below ON c.parent_id = below.id
    )
    SELECT below.id, page.chapter_id, page.threads FROM below LEFT JOIN page ON page.id = below.id
"""
# The top-level comments of a comment's chapter before the thread it is in.
_THREADS_BEFORE_SQL = """
    WITH RECURSIVE up (id, parent_id) AS (
        SELECT id, parent_id FROM stories_comment WHERE id = %s
        UNION ALL
        SELECT c.id, c.parent_id FROM stories_comment c JOIN up ON c.id = up.parent_id
    )
    SELECT count(*) FROM stories_comment earlier JOIN stories_comment root
        ON root.id = (SELECT id FROM up WHERE parent_id IS NULL)
    WHERE earlier.chapter_id = root.chapter_id AND earlier.parent_id IS NULL
      AND (earlier.created_at, earlier.id) < (root.created_at, root.id)
"""


def comment_threads(request: HttpRequest, chapters: list[Chapter], is_creator: bool) -> None:
    """Attach to each chapter `comment_threads` (a page of top-level comments, each
    with its `children`), `comment_thread_count` and `comment_page` (a Django Page
    over the threads). With one chapter shown, `?comments=N` picks the page (a page
    past the last is 404); with several, each shows its first page."""
    number = page_number(request, "comments") if len(chapters) == 1 else 1
    ids = [c.pk for c in chapters]
    start = (number - 1) * COMMENT_THREADS_PER_PAGE
    with connection.cursor() as cursor:
        cursor.execute(_THREAD_PAGE_SQL, [ids, start, start + COMMENT_THREADS_PER_PAGE])
        rows = cursor.fetchall()
    if number > 1 and not rows:
        raise Http404("No such page of comments.")
    # A chapter with any thread has some on the first page, so a chapter missing
    # here (on page 1) has none.
    counts = {chapter_id: threads for _, chapter_id, threads in rows if chapter_id is not None}
    by_chapter: dict[int, list[Comment]] = defaultdict(list)
    children: dict[int, list[Comment]] = defaultdict(list)
    user = request.user
    # Most chapters have no comments: then there is no queryset to build either.
    comments = (
        list(
            Comment.objects.filter(pk__in=[pk for pk, _, _ in rows])
            .select_related("user")
            # The Markdown source (the page shows body_html) and what a comment does not show of its writer.
            .defer("body", *(f"user__{name}" for name in UNSHOWN_USER_FIELDS))
            .order_by("created_at", "id")
        )
        if rows
        else []
    )
    for comment in comments:
        comment.children = children[comment.pk]
        comment.can_edit = user.is_authenticated and comment.user_id == user.pk and not comment.is_deleted
        comment.can_delete = not comment.is_deleted and (
            user.is_authenticated and (comment.user_id == user.pk or is_creator or user.is_staff)
        )
        if comment.parent_id:
            children[comment.parent_id].append(comment)
        else:
            by_chapter[comment.chapter_id].append(comment)
    for chapter in chapters:
        chapter.comment_threads = by_chapter[chapter.pk]
        chapter.comment_thread_count = total = counts.get(chapter.pk, 0)
        # Only its number and neighbours are read: a range stands in for the threads.
        chapter.comment_page = Paginator(range(total), COMMENT_THREADS_PER_PAGE).page(number)


def comment_page_url(comment: Comment) -> str:
    """The chapter page, with the page of comments, that shows `comment`."""
    with connection.cursor() as cursor:
        cursor.execute(_THREADS_BEFORE_SQL, [comment.pk])
        before = cursor.fetchone()[0]
    number = before // COMMENT_THREADS_PER_PAGE + 1
    query = f"?comments={number}" if number > 1 else ""
    return f"{comment.chapter.get_absolute_url()}{query}"


def comment_location(comment: Comment) -> str:
    """The page that shows `comment`, at the comment."""
    return f"{comment_page_url(comment)}#comment-{comment.pk}"
