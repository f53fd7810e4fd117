"""Write paths for works, chapters, series and work links. Every function that touches more than one row runs in one
transaction, so an error leaves nothing half-saved. Named <noun>_<verb>."""

import datetime
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from stories.core.text import one_line
from stories.importers.base import ChapterDraft, LinkDraft, WorkDraft
from stories.models import (
    Chapter,
    Rating,
    Series,
    SeriesPart,
    Tag,
    TaggedWork,
    TagKind,
    Warning,
    Work,
    WorkCreator,
    WorkLink,
)
from stories.tags.names import tag_name_for_kind
from stories.tags.services import tags_get_or_create
from stories.works import rules
from stories.works.rules import WorkRefused

User = get_user_model()

TAG_FIELDS = {
    "fandoms": TagKind.FANDOM,
    "characters": TagKind.CHARACTER,
    "relationships": TagKind.RELATIONSHIP,
    "freeforms": TagKind.FREEFORM,
}


@transaction.atomic
def work_set_tags(*, work: Work, tags_by_kind: dict[str, Sequence[str]]) -> None:
    """Replace the work's tags of the kinds given (keys as in TAG_FIELDS)."""
    wanted: list[Tag] = []
    kinds = []
    for field, names in tags_by_kind.items():
        kinds.append(TAG_FIELDS[field])
        # One line each, whatever the path (form, import, admin): see core.text.one_line.
        names = [name for name in (one_line(n) for n in names) if name]
        wanted += tags_get_or_create(kind=TAG_FIELDS[field], names=names)
    TaggedWork.objects.filter(content_object=work, tag__kind__in=kinds).exclude(tag__in=wanted).delete()
    TaggedWork.objects.bulk_create([TaggedWork(content_object=work, tag=tag) for tag in wanted], ignore_conflicts=True)


def work_recount(*, work_id: int) -> None:
    """Store the work's word and chapter counts from its chapters, and whether it is
    complete (its chapters reach the expected count, rules.is_complete): one UPDATE."""
    chapters = Chapter.objects.filter(work_id=OuterRef("pk")).order_by().values("work_id")
    count = Coalesce(
        Subquery(chapters.annotate(total=Count("id")).values("total")), Value(0), output_field=IntegerField()
    )
    Work.objects.filter(pk=work_id).update(
        word_count=Coalesce(
            Subquery(chapters.annotate(total=Sum("word_count")).values("total")), Value(0), output_field=IntegerField()
        ),
        chapter_count=count,
    )
    Work.objects.filter(pk=work_id).update(
        is_complete=Q(
            expected_chapters__isnull=False, expected_chapters__gt=0, chapter_count__gte=F("expected_chapters")
        )
    )


def _normal_tags(tags_by_kind: dict[str, Sequence[str]]) -> dict[str, list[str]]:
    """Each field's names in their normal form (tags.names), blanks and repeats dropped."""
    normal = {}
    for field, names in tags_by_kind.items():
        seen: dict[str, str] = {}
        for raw in names:
            name = tag_name_for_kind(TAG_FIELDS[field], raw)
            if name:
                seen.setdefault(name.lower(), name)
        normal[field] = list(seen.values())
    return normal


def _text_fields(fields: dict) -> dict[str, str]:
    """The work's long texts with line endings as a browser sends them after counting (LF)."""
    texts = {}
    for name in ("summary", "notes", "end_notes", "disclaimer"):
        if name in fields and fields[name] is not None:
            fields[name] = rules.normalise_newlines(fields[name])
            texts[name] = fields[name]
    return texts


@transaction.atomic
def work_create(
    *,
    creators: Sequence[AbstractBaseUser],
    title: str,
    chapters: Sequence[ChapterDraft],
    tags_by_kind: dict[str, Sequence[str]] | None = None,
    links: Sequence[LinkDraft] = (),
    status: str = Work.Status.POSTED,
    **fields,
) -> Work:
    """Create a work with its creators, chapters, tags and links; posted works
    resolve links that were waiting for them.

    Raises WorkRefused (listing every broken rule, see works.rules) before anything is
    written when the work breaks AO3's posting rules. `is_complete` in `fields` means
    "the author says it is complete": the expected count becomes the chapters' count;
    the stored flag is always derived from the counts."""
    if not chapters:
        raise WorkRefused([rules.Problem("", "A work needs at least one chapter.")])
    title = " ".join(rules.normalise_newlines(title).split())
    tags_by_kind = _normal_tags(tags_by_kind or {})
    texts = _text_fields(fields)
    chapters = [_normal_chapter(chapter) for chapter in chapters]
    expected, problem = rules.expected_for(
        marked_complete=bool(fields.pop("is_complete", False)),
        expected=fields.pop("expected_chapters", None),
        chapters=len(chapters),
    )
    problems = rules.work_problems(
        title=title,
        rating=fields.get("rating", Rating.NOT_RATED),
        warnings=fields.get("warnings", []),
        tags_by_field={field: tags_by_kind.get(field, []) for field in TAG_FIELDS},
        texts=texts,
        chapter_bodies=[chapter.body for chapter in chapters],
        expected_chapters=expected,
    )
    if problem:
        problems.append(problem)
    if problems:
        raise WorkRefused(problems)
    work = Work(title=title, status=status, expected_chapters=expected, **fields)
    work.save()
    WorkCreator.objects.bulk_create([WorkCreator(work=work, user=user, position=i) for i, user in enumerate(creators)])
    rows = [
        Chapter(
            work=work,
            position=position,
            title=chapter.title,
            summary=chapter.summary,
            notes=chapter.notes,
            end_notes=chapter.end_notes,
            body=chapter.body,
            body_format=chapter.body_format,
            published_on=work.published_on,
        )
        for position, chapter in enumerate(chapters, start=1)
    ]
    for row in rows:
        row.render_text()
    # One INSERT: the search vector is recomputed once for all chapters (migration
    # 0004), and a new work sends no "new chapter" notices, so no per-row signals.
    Chapter.objects.bulk_create(rows)
    work_recount(work_id=work.pk)
    if tags_by_kind:
        work_set_tags(work=work, tags_by_kind=tags_by_kind)
    # Also resolves links waiting for this work, and this work's own, once posted.
    work_set_links(work=work, links=links)
    work.refresh_from_db()
    return work


def _normal_chapter(chapter: ChapterDraft) -> ChapterDraft:
    """The chapter with its texts' line endings as stored (LF)."""
    return ChapterDraft(
        body=rules.normalise_newlines(chapter.body),
        body_format=chapter.body_format,
        title=" ".join(chapter.title.split()),
        summary=rules.normalise_newlines(chapter.summary),
        notes=rules.normalise_newlines(chapter.notes),
        end_notes=rules.normalise_newlines(chapter.end_notes),
    )


def noon(day: datetime.date) -> datetime.datetime:
    """A date as the aware datetime stored in updated_at (midday, so no time zone
    shifts it to the day before or after)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def work_create_from_draft(
    *, draft: WorkDraft, creators: Sequence[AbstractBaseUser], status: str = Work.Status.POSTED
) -> Work:
    """Save an imported WorkDraft as a work by `creators`, under the same posting rules
    as the form (raises WorkRefused). Its dates are the file's: published (else
    updated), updated (else published); only a file with no date at all is dated
    today, the day it is first published here."""
    today = timezone.localdate()
    published = draft.published_on or draft.updated_on or today
    updated = max(draft.updated_on or published, published)
    work = work_create(
        creators=creators,
        title=draft.title,
        chapters=draft.chapters,
        tags_by_kind={field: getattr(draft, field) for field in TAG_FIELDS},
        links=draft.links,
        status=status,
        summary=draft.summary,
        disclaimer=draft.disclaimer,
        notes=draft.notes,
        end_notes=draft.end_notes,
        rating=draft.rating or Rating.NOT_RATED,
        # A file that names no archive warning: the honest default (as the upload review offers).
        warnings=draft.warnings or [Warning.NO_WARNINGS_CHOSEN],
        categories=draft.categories,
        language=draft.language or "en",
        published_on=published,
        updated_at=noon(updated),
        is_complete=draft.is_complete,
        expected_chapters=draft.expected_chapters,
    )
    for title, position in draft.series:
        series_add_work(series=series_get_or_create(title=title, creators=creators), work=work, position=position)
    return work


def series_get_or_create(*, title: str, creators: Sequence[AbstractBaseUser]) -> Series:
    series = Series.objects.filter(title__iexact=title, creators__in=creators).first()
    if series is None:
        series = Series(title=title)
        series.save()
        series.creators.set(creators)
    return series


@transaction.atomic
def series_add_work(*, series: Series, work: Work, position: int | None = None) -> SeriesPart:
    """Add (or move) `work` in `series` at `position` (1-based; None means after the
    last part, or where it already is). Positions stay unique: when another part
    holds `position`, it and every part after it move down one, so adding a new part
    1 makes the old part 1 part 2. Raises ValueError for a position below 1."""
    if position is not None and position < 1:
        raise ValueError("A series part's position starts at 1.")
    # Locked, so two authors adding parts at once cannot both take a place.
    parts = list(SeriesPart.objects.select_for_update().filter(series=series).order_by("position", "id"))
    existing = next((part for part in parts if part.work_id == work.pk), None)
    if existing is not None and position is None:
        return existing
    others = [part for part in parts if part.work_id != work.pk]
    if position is None:
        position = max((part.position for part in others), default=0) + 1
    if any(part.position == position for part in others):
        moved = [part for part in others if part.position >= position]
        for part in moved:
            part.position += 1
        # The unique (series, position) constraint is checked at commit (deferred),
        # so the parts can pass through each other's places in one statement.
        SeriesPart.objects.bulk_update(moved, ["position"])
    if existing is not None:
        existing.position = position
        existing.save(update_fields=["position"])
        return existing
    return SeriesPart.objects.create(series=series, work=work, position=position)


@transaction.atomic
def work_links_resolve(*, work: Work) -> int:
    """Connect links that name this work by title (and author) to it, and this
    work's own unresolved links to works already posted. Returns how many resolved.

    A link without an author name means "by the same author as the linking work".
    """
    if not work.is_posted or work.is_hidden:
        return 0
    resolved = 0
    creator_ids = list(work.creators.values_list("pk", flat=True))
    by_same_author = Q(target_author="", source__creator_links__user__in=creator_ids)
    for username in work.creators.values_list("username", flat=True):
        by_same_author |= Q(target_author__iexact=username)
    waiting = (
        WorkLink.objects.filter(target__isnull=True, target_title__iexact=work.title)
        .exclude(source=work)
        .filter(by_same_author)
        .values("pk")
    )
    resolved += WorkLink.objects.filter(pk__in=waiting).update(target=work)
    for link in work.outgoing_links.filter(target__isnull=True).exclude(target_title=""):
        candidates = Work.objects.listed().filter(title__iexact=link.target_title).exclude(pk=work.pk)
        if link.target_author:
            candidates = candidates.filter(creators__username__iexact=link.target_author)
        else:
            candidates = candidates.filter(creator_links__user__in=creator_ids)
        target = candidates.order_by("published_on", "pk").first()
        if target is not None:
            link.target = target
            link.save(update_fields=["target"])
            resolved += 1
    return resolved


# --- authoring: posting, editing and deleting works and chapters ------------------


def _touch(work_id: int) -> None:
    """A work's content changed: recount and move it to the top of "updated"."""
    work_recount(work_id=work_id)
    Work.objects.filter(pk=work_id).update(updated_at=timezone.now())


@transaction.atomic
def work_set_links(*, work: Work, links: Sequence[LinkDraft | tuple[str, Work]]) -> None:
    """Replace the work's outgoing links. Each item is a LinkDraft (a title, maybe an
    author) or a (kind, Work) pair for a work already on the archive."""
    work.outgoing_links.all().delete()
    for link in links:
        if isinstance(link, tuple):
            kind, target = link
            if target.pk != work.pk:
                WorkLink.objects.create(source=work, kind=kind, target=target)
        else:
            WorkLink.objects.create(
                source=work,
                kind=link.kind,
                target_title=link.title[:255],
                target_author=link.author[:150],
                target_url=link.url,
            )
    if work.is_posted:
        work_links_resolve(work=work)


@transaction.atomic
def work_set_series(*, work: Work, series: Series | None, position: int | None = None) -> None:
    """Put the work in `series` (None leaves its series as they are)."""
    if series is not None:
        series_add_work(series=series, work=work, position=position)


def series_update(*, series: Series, title: str, description: str, notes: str, is_complete: bool) -> Series:
    """Save a series' title, description, notes (Markdown; rendered and sanitised
    by Series.save) and whether it is complete. One row."""
    series.title, series.description, series.notes, series.is_complete = title, description, notes, is_complete
    series.save()
    return series


def series_remove_work(*, series: Series, work: Work) -> None:
    """Take the work out of the series; the other parts keep their numbers."""
    SeriesPart.objects.filter(series=series, work=work).delete()


@transaction.atomic
def work_update(
    *,
    work: Work,
    creators: Sequence[AbstractBaseUser] | None = None,
    tags_by_kind: dict[str, Sequence[str]] | None = None,
    links: Sequence[LinkDraft | tuple[str, Work]] | None = None,
    **fields,
) -> Work:
    """Change a work's metadata (not its chapters) in one transaction, under AO3's
    posting rules (raises WorkRefused before writing anything). As in work_create,
    `is_complete` means "the author says it is complete"; the flag is derived."""
    if "title" in fields:
        fields["title"] = " ".join(rules.normalise_newlines(fields["title"]).split())
    if tags_by_kind is not None:
        tags_by_kind = _normal_tags(tags_by_kind)
    texts = _text_fields(fields)
    expected, problem = rules.expected_for(
        marked_complete=bool(fields.pop("is_complete", False)),
        expected=fields.pop("expected_chapters", work.expected_chapters),
        chapters=work.chapter_count,
    )
    problems = rules.work_problems(
        title=fields.get("title", work.title),
        rating=fields.get("rating", work.rating),
        warnings=fields.get("warnings", work.warnings),
        tags_by_field=None if tags_by_kind is None else {f: tags_by_kind.get(f, []) for f in TAG_FIELDS},
        texts=texts,
        expected_chapters=expected,
        chapter_count=work.chapter_count,
    )
    if tags_by_kind is not None and "fandoms" not in tags_by_kind:
        problems = [p for p in problems if p.field != "fandoms"]
    if problem:
        problems.append(problem)
    if problems:
        raise WorkRefused(problems)
    fields["expected_chapters"] = expected
    for name, value in fields.items():
        setattr(work, name, value)
    work.save()
    if creators is not None:
        WorkCreator.objects.filter(work=work).delete()
        WorkCreator.objects.bulk_create(
            [WorkCreator(work=work, user=user, position=i) for i, user in enumerate(creators)]
        )
    if tags_by_kind is not None:
        work_set_tags(work=work, tags_by_kind=tags_by_kind)
    if links is not None:
        work_set_links(work=work, links=links)
    if work.is_posted:
        work_links_resolve(work=work)
    work_recount(work_id=work.pk)
    work.refresh_from_db()
    return work


@transaction.atomic
def work_post(*, work: Work) -> Work:
    """Turn a draft into a posted work; links waiting for it (and its own) resolve."""
    if not work.is_posted:
        work.status = Work.Status.POSTED
        work.updated_at = timezone.now()
        work.save(update_fields=["status", "updated_at"])
        work_links_resolve(work=work)
    return work


@transaction.atomic
def work_delete(*, work: Work) -> None:
    """Delete the work with its chapters, tags, links and series places. Links from
    other works that pointed to it fall back to the title, so they can resolve again
    if it is reposted."""
    for link in WorkLink.objects.filter(target=work).exclude(source=work):
        link.target_title = link.target_title or work.title
        link.target = None
        link.save(update_fields=["target", "target_title"])
    series_ids = list(SeriesPart.objects.filter(work=work).values_list("series_id", flat=True))
    tag_ids = list(TaggedWork.objects.filter(content_object=work).values_list("tag_id", flat=True))
    work.delete()
    _drop_orphans(series_ids=series_ids, tag_ids=tag_ids)


def _drop_orphans(*, series_ids: Sequence[int], tag_ids: Sequence[int]) -> None:
    """Series and tags that only a deleted work used go with it (a draft's new series
    or tag never becomes public). Wrangled tags (canonical, synonyms, parents) and
    tags someone subscribed to stay: a moderator or reader made them."""
    Series.objects.filter(pk__in=series_ids).exclude(Exists(SeriesPart.objects.filter(series=OuterRef("pk")))).delete()
    (
        Tag.objects.filter(pk__in=tag_ids, canonical=False, synonym_of__isnull=True)
        .exclude(Exists(TaggedWork.objects.filter(tag=OuterRef("pk"))))
        .exclude(Exists(Tag.objects.filter(synonym_of=OuterRef("pk"))))
        .exclude(parents__isnull=False)
        .exclude(children__isnull=False)
        .exclude(subscriptions__isnull=False)
        .delete()
    )


@transaction.atomic
def chapter_add(
    *,
    work: Work,
    body: str,
    body_format: str = "markdown",
    title: str = "",
    summary: str = "",
    notes: str = "",
    end_notes: str = "",
) -> Chapter:
    """Append a chapter to the work and update its counts. Raises WorkRefused when the
    work already has the chapters it expects ("3/2" is refused: the author raises the
    expected number first) or the text breaks a length rule."""
    texts = {"body": body, "summary": summary, "notes": notes, "end_notes": end_notes}
    texts = {name: rules.normalise_newlines(text) for name, text in texts.items()}
    count = Chapter.objects.filter(work=work).count()
    problems = [rules.chapter_count_problem(chapters=count + 1, expected=work.expected_chapters)]
    problems += [
        rules.length_problem("body", "Chapter text", texts["body"], rules.MAX_CHAPTER_CHARS),
        rules.length_problem("summary", "Chapter summary", texts["summary"], rules.MAX_SUMMARY),
        rules.length_problem("notes", "Chapter notes", texts["notes"], rules.MAX_NOTES),
        rules.length_problem("end_notes", "Chapter end notes", texts["end_notes"], rules.MAX_NOTES),
    ]
    if [p for p in problems if p]:
        raise WorkRefused([p for p in problems if p])
    last = Chapter.objects.filter(work=work).order_by("-position").values_list("position", flat=True).first()
    chapter = Chapter(work=work, position=(last or 0) + 1, title=title, body_format=body_format, **texts)
    chapter.save()
    _touch(work.pk)
    return chapter


@transaction.atomic
def chapter_update(*, chapter: Chapter, **fields) -> Chapter:
    """Change a chapter's text or notes; the work's counts follow."""
    for name, value in fields.items():
        setattr(chapter, name, value)
    chapter.save()
    _touch(chapter.work_id)
    return chapter


@transaction.atomic
def chapter_delete(*, chapter: Chapter) -> None:
    """Delete a chapter and close the gap in the numbering. A work keeps at least one."""
    if Chapter.objects.filter(work_id=chapter.work_id).count() <= 1:
        raise ValueError("A work needs at least one chapter: delete the work instead.")
    work_id = chapter.work_id
    chapter.delete()
    chapters_reorder(
        work_id=work_id,
        chapter_ids=list(Chapter.objects.filter(work_id=work_id).order_by("position").values_list("pk", flat=True)),
    )
    _touch(work_id)


@transaction.atomic
def chapters_reorder(*, work_id: int, chapter_ids: Sequence[int]) -> None:
    """Number the work's chapters 1..n in the order given, which must name each of
    its chapters exactly once. The position constraint is deferred, so the swaps
    are checked only at commit."""
    current = set(Chapter.objects.filter(work_id=work_id).values_list("pk", flat=True))
    if len(chapter_ids) != len(current) or set(chapter_ids) != current:
        raise ValueError("The new order must list every chapter of the work once.")
    for position, pk in enumerate(chapter_ids, start=1):
        Chapter.objects.filter(pk=pk, work_id=work_id).update(position=position)


@transaction.atomic
def work_compose(
    *,
    creators: Sequence[AbstractBaseUser],
    title: str,
    chapters: Sequence[ChapterDraft],
    tags_by_kind: dict[str, Sequence[str]],
    links: Sequence[LinkDraft | tuple[str, Work]] = (),
    status: str = Work.Status.POSTED,
    series: Series | None = None,
    new_series_title: str = "",
    series_position: int | None = None,
    **fields,
) -> Work:
    """Create a work from the post form: chapters, tags, links and series, all or nothing."""
    work = work_create(
        creators=creators, title=title, chapters=chapters, tags_by_kind=tags_by_kind, status=status, **fields
    )
    if new_series_title:
        series = series_get_or_create(title=new_series_title, creators=creators)
    work_set_series(work=work, series=series, position=series_position)
    work_set_links(work=work, links=links)
    work.refresh_from_db()
    return work
