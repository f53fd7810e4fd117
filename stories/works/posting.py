"""Posting, uploading and editing works and chapters.

Only a work's creators reach these views (moderators edit through the admin);
anyone else gets a 404, so drafts do not even show that they exist.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from stories.core.access import work_for_creator
from stories.core.limits import request_budget, text_seconds
from stories.core.rendering import render as render_text
from stories.core.rendering import render_inline_markdown, render_problem
from stories.core.requests import done
from stories.discovery.blurbs import attach_blurbs
from stories.discovery.filters import language_label
from stories.importers import ImportFailed, parse_upload, review_messages
from stories.importers.base import max_upload_bytes
from stories.models import Category, Chapter, Rating, Series, Tag, TaggedWork, TagKind, Warning, Work
from stories.readers.services import chapter_deletion_impact, work_deletion_impact
from stories.tags.hints import tag_hints
from stories.works import consent, rules, services
from stories.works.forms import (
    MAX_CHAPTERS,
    MAX_TAGS,
    ChapterForm,
    ChapterFormSet,
    LinkFormSet,
    ReorderForm,
    SeriesForm,
    UploadForm,
    WorkForm,
    chapter_initial_from_draft,
    link_initial_from_draft,
)
from stories.works.rules import WorkRefused
from stories.works.uploads import SizeLimitUploadHandler

# Larger positions in a URL cannot be rows (integer column): 404, not a database error.
MAX_POSITION = 2**31 - 1
ACTIONS = {"preview", "draft", "post", "save"}
# How many existing tags of each kind the post form suggests (native <datalist>, no JavaScript).
SUGGESTED_TAGS = 300


def _chapter_for_editor(request: HttpRequest, work_id: int, position: int) -> Chapter:
    work = work_for_creator(request, work_id)
    if position > MAX_POSITION:
        raise Http404("No such chapter.")
    chapter = Chapter.objects.filter(work=work, position=position).select_related("work").first()
    if chapter is None:
        raise Http404("No such chapter.")
    return chapter


def _tag_suggestions() -> list[tuple[str, list[str]]]:
    """Existing tag names per kind for the tag fields' datalists: canonical tags first."""
    return [
        (
            kind,
            list(
                # Only tags readers can see: canonical ones or ones a listed work uses
                # (a tag someone's draft made is not suggested to everyone else).
                Tag.objects.filter(kind=kind, synonym_of__isnull=True)
                .filter(
                    Q(canonical=True)
                    | Exists(
                        TaggedWork.objects.filter(
                            tag=OuterRef("pk"), content_object__status="posted", content_object__is_hidden=False
                        )
                    )
                )
                .order_by("-canonical", "name")
                .values_list("name", flat=True)[:SUGGESTED_TAGS]
            ),
        )
        for kind in TagKind.values
    ]


def _action(request: HttpRequest, default: str) -> str:
    action = request.POST.get("action", default)
    return action if action in ACTIONS else default


def _work_preview(form) -> dict:
    """What the work will look like, read from the form as typed (valid or not):
    title, rating, warnings, categories, tags by kind, language, and the summary and
    notes rendered and sanitised as they will be on the work page."""
    ratings, warnings, categories = dict(Rating.choices), dict(Warning.choices), dict(Category.choices)

    def value(name):
        return form[name].value() or ""

    def chosen(name, labels):
        values = form[name].value() or []
        values = [values] if isinstance(values, str) else values
        return [labels[v] for v in values if v in labels]

    def names(name):
        raw = value(name)
        raw = ", ".join(raw) if isinstance(raw, list | tuple) else raw
        return [part.strip() for part in str(raw).split(",") if part.strip()][:75]

    return {
        "title": str(value("title"))[:255],
        "rating": ratings.get(value("rating"), ""),
        "warnings": chosen("warnings", warnings),
        "categories": chosen("categories", categories),
        "tags": [
            (label, names(field))
            for field, label in [
                ("fandoms", "Fandoms"),
                ("relationships", "Relationships"),
                ("characters", "Characters"),
                ("freeforms", "Additional Tags"),
            ]
            if names(field)
        ],
        "language": language_label(str(value("language"))[:16]),
        "summary_html": render_inline_markdown(str(value("summary"))[:20_000]),
        "notes_html": render_inline_markdown(str(value("notes"))[:20_000]),
    }


def _previews(chapter_forms) -> list[dict]:
    """Rendered (sanitised) text of each valid chapter form, for the preview."""
    previews = []
    for number, form in enumerate(chapter_forms, start=1):
        if form.is_valid():
            html = render_text(form.cleaned_data["body"], form.cleaned_data["body_format"])
            previews.append({"number": number, "title": form.cleaned_data["title"], "html": html})
    return previews


def _render_work_form(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("tag_suggestions", _tag_suggestions())
    context.setdefault("drafts_count", Work.objects.by_creator(request.user).filter(status="draft").count())
    return render(request, "works/work_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def work_post(request: HttpRequest) -> HttpResponse:
    """Post a new work: metadata, links and chapter 1 (or every chapter of an upload)."""
    if request.method == "GET":
        form = WorkForm(user=request.user)
        links = LinkFormSet(prefix="links")
        chapters = ChapterFormSet(prefix="chapters")
        return _render_work_form(request, {"form": form, "links": links, "chapters": chapters, "mode": "post"})

    form = WorkForm(request.POST, user=request.user)
    links = LinkFormSet(request.POST, prefix="links")
    chapters = ChapterFormSet(request.POST, prefix="chapters")
    action = _action(request, "post")
    # An upload under review stays one: Preview must not turn it into "Post a new work".
    reviewing = request.POST.get("mode") == "review"
    context = {
        "form": form,
        "links": links,
        "chapters": chapters,
        "mode": "review" if reviewing else "post",
        "uploaded_name": request.POST.get("uploaded_name", "")[:255] if reviewing else "",
    }
    seconds = text_seconds()
    with request_budget(
        f"Together the chapters took longer than {seconds:g} seconds to read, the most Quire spends on one "
        "post. Post the work with fewer chapters, then add the others one at a time.",
        seconds=seconds,
    ):
        # Each chapter is rendered here, within the budget, and kept for the save.
        valid = form.is_valid() & links.is_valid() & chapters.is_valid()
    if action == "preview" or not valid:
        context["previews"] = _previews(chapters)
        context["work_preview"] = _work_preview(form)
        if form.is_valid():
            context["tag_hints"] = tag_hints(form.tags_by_kind())
        if action != "preview":
            context["has_errors"] = True
        return _render_work_form(request, context)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            work = _compose(request, form, links, chapters, action)
    except consent.ConsentError as error:
        # Someone turned invitations off between the form's check and the save.
        form.add_error("co_creators", str(error))
        return _render_work_form(request, {**context, "has_errors": True})
    except WorkRefused as refused:
        # Rules that need the chapters too ("3/2", "complete" with fewer chapters):
        # nothing was saved (one transaction); each problem shows on its field.
        _add_problems(form, refused.problems)
        context["has_errors"] = True
        context["previews"] = _previews(chapters)
        return _render_work_form(request, context)
    messages.success(request, "Draft saved: only you can see it." if action == "draft" else "Your work is posted.")
    if data["co_creators"]:
        messages.info(request, "Your co-creators are invited: their names show once they accept.")
    return redirect(work)


def _compose(request: HttpRequest, form: WorkForm, links, chapters, action: str) -> Work:
    """Create the work by the poster alone, then invite its co-creators (one transaction
    with the caller): their names join only when they accept."""
    data = form.cleaned_data
    work = services.work_compose(
        creators=[request.user],
        chapters=[chapter.draft() for chapter in chapters],
        tags_by_kind=form.tags_by_kind(),
        links=[link for link in (f.link() for f in links) if link is not None],
        status=Work.Status.DRAFT if action == "draft" else Work.Status.POSTED,
        series=data["series"],
        new_series_title=data["new_series"].strip(),
        series_position=data["series_position"],
        **form.work_fields(),
    )
    consent.creators_invite(work=work, inviter=request.user, users=data["co_creators"])
    return work


@login_required
@require_http_methods(["GET", "POST"])
@csrf_exempt  # checked by csrf_protect below, once the size-limiting handler is in place
@ratelimit(key="user", rate=lambda group, request: settings.QUIRE_UPLOAD_RATE, method="POST", block=False)
def work_upload(request: HttpRequest) -> HttpResponse:
    """Read an uploaded file into the post form for review. Nothing is saved here:
    the filled-in form is posted to work_post like any other."""
    # Must be installed before anything reads the request body (the CSRF check does).
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
    return _work_upload(request)


@csrf_protect
def _work_upload(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "works/work_upload.html", {"form": UploadForm()})
    if getattr(request, "limited", False):
        message = "You have uploaded many files in the last hour. Please wait a while and try again."
        return render(request, "works/work_upload.html", {"form": UploadForm(), "upload_error": message}, status=429)
    upload = UploadForm(request.POST, request.FILES)
    if getattr(request, "upload_too_large", False):
        message = f"The file is larger than the {settings.QUIRE_MAX_UPLOAD_MB} MB limit."
        return render(request, "works/work_upload.html", {"form": UploadForm(), "upload_error": message})
    if not upload.is_valid():
        return render(request, "works/work_upload.html", {"form": upload})
    file = upload.cleaned_data["file"]
    seconds = text_seconds()
    # One budget for reading the file and checking its chapters as posting will.
    with request_budget(
        f"Reading the file and checking its chapters took longer than {seconds:g} seconds, the most Quire "
        "spends on one upload, so it was stopped there. Split the file into smaller ones.",
        seconds=seconds,
    ):
        try:
            if file.size > max_upload_bytes():
                raise ImportFailed(f"The file is larger than the {settings.QUIRE_MAX_UPLOAD_MB} MB limit.")
            draft = parse_upload(file.name, file.read())
        except ImportFailed as error:
            upload.add_error("file", str(error))
            return render(request, "works/work_upload.html", {"form": upload})
        if len(draft.chapters) > MAX_CHAPTERS:
            upload.add_error(
                "file", f"The file has {len(draft.chapters)} chapters; Quire takes at most {MAX_CHAPTERS} in one work."
            )
            return render(request, "works/work_upload.html", {"form": upload})
        warnings = review_warnings(draft)
    form = WorkForm(user=request.user, initial=WorkForm.initial_from_draft(draft))
    links = LinkFormSet(prefix="links", initial=[link_initial_from_draft(link) for link in draft.links[:20]])
    chapters = ChapterFormSet(prefix="chapters", initial=[chapter_initial_from_draft(c) for c in draft.chapters])
    context = {
        "form": form,
        "links": links,
        "chapters": chapters,
        "mode": "review",
        "uploaded_name": file.name,
        "draft_creators": draft.creators,
        "review_warnings": warnings,
        "tag_hints": tag_hints(
            {
                field: getattr(draft, field)[:MAX_TAGS]
                for field in ("fandoms", "relationships", "characters", "freeforms")
            }
        ),
    }
    return _render_work_form(request, context)


def _add_problems(form, problems) -> None:
    """Show each broken posting rule on its field of the work form (or above it)."""
    for problem in problems:
        field = problem.field if problem.field in form.fields else None
        form.add_error(field, problem.message)


def review_warnings(draft) -> list[str]:
    """What in an imported file will not post as it is, said before the author tries:
    every posting rule (works.rules) that posting will check, on the file's values."""
    found = review_messages(draft)
    if len(draft.title) > rules.MAX_TITLE:
        found.append(f"The title is {len(draft.title):,} characters long; it was cut to 255. Check it below.")
    warnings = draft.warnings or [rules.CHOSE_NOT_TO_WARN]
    expected, problem = rules.expected_for(
        marked_complete=draft.is_complete, expected=draft.expected_chapters, chapters=len(draft.chapters)
    )
    problems = rules.work_problems(
        title=draft.title[: rules.MAX_TITLE],
        rating=draft.rating or "not_rated",
        warnings=warnings,
        tags_by_field={field: getattr(draft, field) for field in rules.TAG_FIELD_LABELS},
        texts={
            "summary": draft.summary,
            "notes": draft.notes,
            "end_notes": draft.end_notes,
            "disclaimer": draft.disclaimer,
        },
        chapter_bodies=[chapter.body for chapter in draft.chapters],
        expected_chapters=expected,
    )
    problems += [problem] if problem else []
    for problem in problems:
        found.append(f"{problem.message} Fix it below before posting.")
    return found + _render_warnings(draft)


def _render_warnings(draft) -> list[str]:
    """Each chapter rendered as posting will render it (core.limits' bounds), within
    what is left of the upload's budget: what would be refused, said now."""
    found = []
    for number, chapter in enumerate(draft.chapters, start=1):
        problem = None
        if len(chapter.body) <= rules.MAX_CHAPTER_CHARS:  # longer ones are refused by length already
            problem = render_problem(chapter.body, chapter.body_format, what=f"Chapter {number}'s text")
        if problem and not problem.startswith(f"Chapter {number}'s text"):
            found.append(problem)  # the upload's budget ran out: the rest are not checked
            break
        if problem:
            found.append(f"{problem} Fix it below before posting.")
    return found


@login_required
@require_http_methods(["GET", "POST"])
def work_edit(request: HttpRequest, work_id: int) -> HttpResponse:
    """Edit a work's metadata and links; its chapters are listed with their own forms."""
    work = work_for_creator(request, work_id)
    chapter_list = list(work.chapters.defer("body", "body_html").order_by("position"))
    context = {"work": work, "mode": "edit", "chapter_list": chapter_list}
    if request.method == "GET":
        context["form"] = WorkForm(user=request.user, work=work, initial=WorkForm.initial_from_work(work, request.user))
        context["links"] = LinkFormSet(prefix="links", initial=_link_initial(work))
        context["reorder"] = ReorderForm(chapters=chapter_list)
        return _render_work_form(request, context)

    form = WorkForm(request.POST, user=request.user, work=work)
    links = LinkFormSet(request.POST, prefix="links")
    context.update(form=form, links=links, reorder=ReorderForm(chapters=chapter_list))
    if not (form.is_valid() & links.is_valid()):
        context["has_errors"] = True
        return _render_work_form(request, context)
    data = form.cleaned_data
    try:
        work = _save_edit(request, work, form, links, data)
    except consent.ConsentError as error:
        form.add_error("co_creators", str(error))
    except WorkRefused as refused:
        _add_problems(form, refused.problems)
        context["has_errors"] = True
        return _render_work_form(request, context)
    messages.success(request, "Your changes are saved.")
    return redirect(work)


@transaction.atomic
def _save_edit(request: HttpRequest, work: Work, form: WorkForm, links, data: dict) -> Work:
    """Metadata, co-creators, series and posting, all or nothing."""
    work = services.work_update(
        work=work,
        tags_by_kind=form.tags_by_kind(),
        links=[link for link in (f.link() for f in links) if link is not None],
        **form.work_fields(),
    )
    consent.creators_set(work=work, editor=request.user, wanted=data["co_creators"])
    series = data["series"]
    if data["new_series"].strip():
        series = services.series_get_or_create(title=data["new_series"].strip(), creators=work.creators.all())
    services.work_set_series(work=work, series=series, position=data["series_position"])
    for leaving in data["leave_series"]:
        services.series_remove_work(series=leaving, work=work)
    if _action(request, "save") == "post":
        services.work_post(work=work)
    return work


def _link_initial(work: Work) -> list[dict]:
    initial = []
    for link in work.outgoing_links.select_related("target").order_by("id"):
        if link.target_id:
            initial.append({"kind": link.kind, "work": reverse("stories:work-detail", args=[link.target_id])})
        else:
            initial.append({"kind": link.kind, "title": link.target_title, "author": link.target_author})
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def work_delete(request: HttpRequest, work_id: int) -> HttpResponse:
    """Ask first (GET), then delete (POST)."""
    work = work_for_creator(request, work_id)
    if request.method == "GET":
        impact = work_deletion_impact(work=work)
        return render(request, "works/confirm_delete.html", {"work": work, "chapter": None, "impact": impact})
    title = work.title
    services.work_delete(work=work)
    messages.success(request, f"“{title}” is deleted.")
    return redirect("stories:user-detail", request.user.get_username())


@login_required
@require_http_methods(["GET", "POST"])
def chapter_new(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_creator(request, work_id)
    if request.method == "GET":
        return render(request, "works/chapter_form.html", {"work": work, "form": ChapterForm(), "chapter": None})
    form = ChapterForm(request.POST)
    if not form.is_valid() or _action(request, "save") == "preview":
        return render(
            request,
            "works/chapter_form.html",
            {"work": work, "form": form, "chapter": None, "previews": _previews([form])},
        )
    try:
        chapter = services.chapter_add(work=work, **form.chapter_fields())
    except WorkRefused as refused:
        for problem in refused.problems:
            form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        return render(request, "works/chapter_form.html", {"work": work, "form": form, "chapter": None, "previews": []})
    return done(request, f"{chapter.display_title} is added.", chapter.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def chapter_edit(request: HttpRequest, work_id: int, position: int) -> HttpResponse:
    chapter = _chapter_for_editor(request, work_id, position)
    context = {"work": chapter.work, "chapter": chapter}
    if request.method == "GET":
        initial = {name: getattr(chapter, name) for name in ChapterForm.base_fields}
        return render(request, "works/chapter_form.html", {**context, "form": ChapterForm(initial=initial)})
    form = ChapterForm(request.POST)
    if not form.is_valid() or _action(request, "save") == "preview":
        return render(request, "works/chapter_form.html", {**context, "form": form, "previews": _previews([form])})
    services.chapter_update(chapter=chapter, **form.chapter_fields())
    return done(request, f"{chapter.display_title} is saved.", chapter.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def chapter_delete(request: HttpRequest, work_id: int, position: int) -> HttpResponse:
    chapter = _chapter_for_editor(request, work_id, position)
    work = chapter.work
    if work.chapter_count <= 1 and work.chapters.count() <= 1:
        messages.error(request, "A work needs at least one chapter: delete the whole work instead.")
        return redirect("stories:work-edit", work.pk)
    if request.method == "GET":
        impact = chapter_deletion_impact(chapter=chapter)
        return render(request, "works/confirm_delete.html", {"work": work, "chapter": chapter, "impact": impact})
    services.chapter_delete(chapter=chapter)
    messages.success(request, f"{chapter.display_title} is deleted; the others are renumbered.")
    return redirect("stories:work-edit", work.pk)


@login_required
@require_POST
def chapters_reorder(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_creator(request, work_id)
    chapter_list = list(work.chapters.defer("body", "body_html").order_by("position"))
    form = ReorderForm(request.POST, chapters=chapter_list)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"The chapters were not reordered: {errors}")
        return redirect("stories:work-edit", work.pk)
    services.chapters_reorder(work_id=work.pk, chapter_ids=form.ordered_ids())
    messages.success(request, "The chapters are reordered.")
    return redirect("stories:work-edit", work.pk)


def _series_for_creator(request: HttpRequest, series_id: int) -> Series:
    """The series, if the signed-in user is one of its creators; Http404 otherwise
    (moderators edit series in the admin)."""
    series = Series.objects.filter(pk=series_id, creators=request.user).first() if series_id <= MAX_POSITION else None
    if series is None:
        raise Http404("No such series.")
    return series


@login_required
@require_http_methods(["GET", "POST"])
def series_edit(request: HttpRequest, series_id: int) -> HttpResponse:
    """A series' title, description, notes and complete status, for its creators."""
    series = _series_for_creator(request, series_id)
    initial = {
        "title": series.title,
        "description": series.description,
        "notes": series.notes,
        "is_complete": series.is_complete,
    }
    form = SeriesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.series_update(series=series, **form.cleaned_data)
        return done(request, "The series is saved.", series.get_absolute_url())
    return render(request, "works/series_form.html", {"series": series, "form": form})


@login_required
def draft_list(request: HttpRequest) -> HttpResponse:
    drafts = list(Work.objects.by_creator(request.user).filter(status="draft").order_by("-updated_at", "-id"))
    attach_blurbs(drafts)
    return render(request, "works/draft_list.html", {"works": drafts})
