"""The moderators' tools for works, chapters, series and work links (tags are in
tags.admin, reports and comments in readers.admin). Moderators are staff in the *Moderators* group; every
change made here is recorded in Django's admin log (LogEntry)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from stories.models import (
    Chapter,
    CreatorInvitation,
    Series,
    SeriesPart,
    TaggedWork,
    TagKind,
    Work,
    WorkCreator,
    WorkLink,
)
from stories.works import rules
from stories.works.consent import ConsentError, creators_invite
from stories.works.forms import co_creators_clean
from stories.works.services import work_links_resolve, work_recount


class WorkCreatorFormSet(forms.BaseInlineFormSet):
    """A moderator may take names off a work (Django's log records which), never all of them."""

    def clean(self):
        super().clean()
        if not self.instance.pk:
            return
        kept = [form for form in self.forms if form.instance.pk and not self._should_delete_form(form)]
        if self.forms and not kept:
            raise ValidationError("A work keeps at least one creator: delete the work instead, or keep one name.")


class WorkCreatorInline(admin.TabularInline):
    """The accepted creators, read-only but for their order: nobody's name goes on a work
    without their consent, so new names are invited (WorkAdminForm.invite_co_creators)."""

    model = WorkCreator
    formset = WorkCreatorFormSet
    extra = 0
    fields = ["user", "position"]
    readonly_fields = ["user"]
    verbose_name = "creator"
    verbose_name_plural = "creators (accepted; add one with “Invite co-creators” above)"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


# Django 5.x warns unless URL fields say which scheme a bare domain gets.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class WorkLinkInline(admin.TabularInline):
    model = WorkLink
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]
    formfield_overrides = HTTPS_URLS


class TaggedWorkFormSet(forms.BaseInlineFormSet):
    """AO3's tag rules on a moderator's edit: a fandom, at most MAX_TAGS tags."""

    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data["tag"]
            for form in self.forms
            if form.cleaned_data.get("tag") and not form.cleaned_data.get("DELETE")
        ]
        if not any(tag.kind == TagKind.FANDOM for tag in kept):
            raise ValidationError("Fandoms: a work needs at least one fandom tag.")
        if len(kept) > rules.MAX_TAGS:
            raise ValidationError(f"A work may have at most {rules.MAX_TAGS} tags; this one has {len(kept)}.")


class TaggedWorkInline(admin.TabularInline):
    model = TaggedWork
    formset = TaggedWorkFormSet
    extra = 1
    autocomplete_fields = ["tag"]
    verbose_name = "tag"


class WorkAdminForm(forms.ModelForm):
    """The work's own columns under AO3's posting rules (works.rules), counted as the
    browser counts them (the tags are checked by TaggedWorkFormSet); a hidden work
    always says why, since its creators see the reason; and new co-creators are invited
    (by the moderator, through works.consent, as the post form does), never added.
    `inviter` is set per request by WorkAdmin.get_form."""

    inviter = None
    invite_co_creators = forms.CharField(
        required=False,
        max_length=2000,
        label="Invite co-creators",
        help_text=(
            "Usernames, separated by commas. Each gets an invitation from you in their inbox "
            "and becomes a creator only after accepting."
        ),
    )

    class Meta:
        model = Work
        # The admin's fieldsets choose what shows; these are the columns it may write.
        fields = [
            "title",
            "summary",
            "disclaimer",
            "notes",
            "end_notes",
            "rating",
            "warnings",
            "categories",
            "language",
            "status",
            "published_on",
            "updated_at",
            "expected_chapters",
            "restricted",
            "is_hidden",
            "hidden_reason",
            "hit_count",
        ]

    def clean_invite_co_creators(self):
        work = self.instance if self.instance.pk else None
        return co_creators_clean(self.cleaned_data["invite_co_creators"], inviter=self.inviter, work=work)

    def clean(self):
        data = super().clean()
        texts = {}
        for name in ("summary", "notes", "end_notes", "disclaimer"):
            if isinstance(data.get(name), str):
                data[name] = texts[name] = rules.normalise_newlines(data[name])
        chapters = self.instance.chapter_count if self.instance.pk else 0
        problems = rules.work_problems(
            title=data.get("title") or "",
            rating=data.get("rating") or "",
            warnings=data.get("warnings") or [],
            tags_by_field=None,
            texts=texts,
            expected_chapters=data.get("expected_chapters"),
            chapter_count=chapters,
        )
        for problem in problems:
            field = problem.field if problem.field in self.fields else None
            if field is None or field not in self.errors:
                self.add_error(field, problem.message)
        if data.get("is_hidden") and not (data.get("hidden_reason") or "").strip():
            self.add_error("hidden_reason", "Give the creators a reason when hiding their work.")
        return data


class SeriesPartInline(admin.TabularInline):
    model = SeriesPart
    extra = 0
    autocomplete_fields = ["work"]


class HideWorksForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        strip=True,
        help_text="Shown to each work's creators.",
    )


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    form = WorkAdminForm
    list_display = [
        "title",
        "creator_names",
        "rating",
        "status",
        "is_complete",
        "is_hidden",
        "word_count",
        "updated_at",
    ]
    list_filter = ["status", "rating", "is_complete", "is_hidden", "restricted", "language"]
    search_fields = ["title", "creators__username", "summary"]
    date_hierarchy = "updated_at"
    form = WorkAdminForm
    # Complete is derived from chapters and the expected count (works.rules.is_complete).
    readonly_fields = [
        "is_complete",
        "word_count",
        "chapter_count",
        "kudos_count",
        "comment_count",
        "bookmark_count",
        "created_at",
        "chapter_list",
        "add_chapter_link",
        "pending_invitations",
    ]
    inlines = [WorkCreatorInline, TaggedWorkInline, WorkLinkInline]
    actions = ["hide_works", "unhide_works"]
    fieldsets = [
        (None, {"fields": ["title", "summary", "disclaimer", "notes", "end_notes"]}),
        ("Co-creators", {"fields": ["invite_co_creators", "pending_invitations"]}),
        ("Classification", {"fields": ["rating", "warnings", "categories", "language"]}),
        (
            "Status",
            {"fields": ["status", "published_on", "updated_at", "is_complete", "expected_chapters", "restricted"]},
        ),
        ("Moderation", {"fields": ["is_hidden", "hidden_reason"]}),
        ("Chapters", {"fields": ["chapter_list", "add_chapter_link"]}),
        (
            "Counts",
            {
                "fields": [
                    "word_count",
                    "chapter_count",
                    "kudos_count",
                    "comment_count",
                    "bookmark_count",
                    "hit_count",
                    "created_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("creators")

    @admin.display(description="Creators")
    def creator_names(self, work: Work) -> str:
        return ", ".join(user.username for user in work.creators.all())

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"inviter": request.user})

    def save_related(self, request, form, formsets, change):
        # Chapters saved through the inline re-render themselves; the totals and the
        # links that may now resolve are settled once everything is saved.
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            work_recount(work_id=form.instance.pk)
            work_links_resolve(work=form.instance)
            invitees = form.cleaned_data.get("invite_co_creators") or []
            try:
                sent = creators_invite(work=form.instance, inviter=request.user, users=invitees)
            except ConsentError as error:  # a preference changed since the form was checked
                self.message_user(request, f"No invitation was sent: {error}", level=messages.ERROR)
                return
            if sent:
                names = ", ".join(user.get_username() for user in invitees)
                self.log_change(
                    request, form.instance, f"Invited to co-create (not a creator until accepting): {names}."
                )

    @admin.display(description="Invited, not answered yet")
    def pending_invitations(self, work: Work) -> str:
        if not work.pk:
            return "—"
        rows = CreatorInvitation.objects.filter(work=work).select_related("user", "invited_by").order_by("created_at")
        if not rows:
            return "Nobody."
        return format_html_join(
            ", ",
            "{} (invited by {} on {})",
            (
                (
                    row.user.get_username(),
                    row.invited_by.get_username() if row.invited_by else "—",
                    row.created_at.date(),
                )
                for row in rows
            ),
        )

    @admin.display(description="Chapters")
    def chapter_list(self, work: Work) -> str:
        """The chapters as a read-only table, each linked to its own change page. Not
        an inline: a formset of a long work's chapters (bodies and all) made this page
        take seconds to load and to save; one query and one table cost milliseconds."""
        if not work.pk:
            return "—"
        chapters = work.chapters.order_by("position").values_list(
            "pk", "position", "title", "word_count", "published_on"
        )
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td></tr>',
            (
                (
                    position,
                    reverse("admin:stories_chapter_change", args=[pk]),
                    Chapter(position=position, title=title).display_title,
                    f"{words:,}",
                    published.isoformat() if published else "",
                )
                for pk, position, title, words, published in chapters
            ),
        )
        if not rows:
            return "No chapters yet."
        return format_html(
            '<table class="chapter-list"><thead><tr><th scope="col">#</th><th scope="col">Chapter</th>'
            '<th scope="col">Words</th><th scope="col">Published</th></tr></thead><tbody>{}</tbody></table>',
            rows,
        )

    @admin.display(description="Add")
    def add_chapter_link(self, work: Work) -> str:
        if not work.pk:
            return "Add chapters once the work is saved."
        url = reverse("admin:stories_chapter_add") + f"?work={work.pk}&position={work.chapter_count + 1}"
        return format_html('<a href="{}">Add a chapter</a> (each chapter is edited on its own page)', url)

    @admin.action(description="Hide the selected works…", permissions=["change"])
    def hide_works(self, request, queryset):
        """Ask for the reason first (its creators see it); then hide and log each work."""
        form = HideWorksForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            reason = form.cleaned_data["reason"]
            with transaction.atomic():
                works = list(queryset.select_for_update(of=("self",)))
                queryset.update(is_hidden=True, hidden_reason=reason)
                for work in works:
                    self.log_change(request, work, f"Hidden: {reason}")
            self.message_user(request, f"Hid {len(works)} work(s).")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Hide works",
            "works": list(queryset.only("pk", "title").order_by("title")),
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/stories/work/hide.html", context)

    @admin.action(description="Unhide the selected works", permissions=["change"])
    def unhide_works(self, request, queryset):
        with transaction.atomic():
            works = list(queryset.filter(is_hidden=True).select_for_update(of=("self",)))
            queryset.filter(pk__in=[w.pk for w in works]).update(is_hidden=False, hidden_reason="")
            for work in works:
                self.log_change(request, work, "Unhidden.")
        self.message_user(request, f"Unhid {len(works)} work(s).")


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["__str__", "work", "position", "word_count", "published_on"]
    list_select_related = ["work"]
    search_fields = ["title", "work__title"]
    autocomplete_fields = ["work"]
    readonly_fields = ["word_count"]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    """A series' creators are its works' creators, who each agreed to their work (see
    works.consent): they are shown here, never typed in, so no moderator can put a
    name on a series."""

    list_display = ["title", "is_complete", "updated_at"]
    search_fields = ["title", "creators__username"]
    readonly_fields = ["creators"]
    inlines = [SeriesPartInline]


@admin.register(WorkLink)
class WorkLinkAdmin(admin.ModelAdmin):
    list_display = ["source", "kind", "target", "target_title", "target_author"]
    list_select_related = ["source", "target"]
    list_filter = ["kind"]
    search_fields = ["source__title", "target_title", "target__title"]
    autocomplete_fields = ["source", "target"]
    formfield_overrides = HTTPS_URLS
