"""The moderators' tools for works, chapters, series and work links (tags are in
tags.admin, reports and comments in readers.admin). Moderators are staff in the *Moderators* group; every
change made here is recorded in Django's admin log (LogEntry)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction

from stories.models import (
    Chapter,
    Series,
    SeriesPart,
    TaggedWork,
    TagKind,
    Work,
    WorkCreator,
    WorkLink,
)
from stories.works import rules
from stories.works.services import work_links_resolve, work_recount


class ChapterInline(admin.StackedInline):
    model = Chapter
    extra = 0
    fields = ["position", "title", "summary", "notes", "body_format", "body", "end_notes", "published_on", "word_count"]
    readonly_fields = ["word_count"]
    show_change_link = True


class WorkCreatorInline(admin.TabularInline):
    model = WorkCreator
    extra = 0
    autocomplete_fields = ["user"]


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
    browser counts them; the tags are checked by TaggedWorkFormSet."""

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
        return data


class SeriesPartInline(admin.TabularInline):
    model = SeriesPart
    extra = 0
    autocomplete_fields = ["work"]


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
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
    ]
    inlines = [WorkCreatorInline, TaggedWorkInline, WorkLinkInline, ChapterInline]
    actions = ["hide_works", "unhide_works"]
    fieldsets = [
        (None, {"fields": ["title", "summary", "disclaimer", "notes", "end_notes"]}),
        ("Classification", {"fields": ["rating", "warnings", "categories", "language"]}),
        (
            "Status",
            {"fields": ["status", "published_on", "updated_at", "is_complete", "expected_chapters", "restricted"]},
        ),
        ("Moderation", {"fields": ["is_hidden", "hidden_reason"]}),
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

    def save_related(self, request, form, formsets, change):
        # Chapters saved through the inline re-render themselves; the totals and the
        # links that may now resolve are settled once everything is saved.
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            work_recount(work_id=form.instance.pk)
            work_links_resolve(work=form.instance)

    @admin.action(description="Hide the selected works")
    def hide_works(self, request, queryset):
        count = queryset.update(is_hidden=True)
        self.message_user(request, f"Hid {count} work(s). Give each a reason on its page.")

    @admin.action(description="Unhide the selected works")
    def unhide_works(self, request, queryset):
        count = queryset.update(is_hidden=False)
        self.message_user(request, f"Unhid {count} work(s).")


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["__str__", "work", "position", "word_count", "published_on"]
    search_fields = ["title", "work__title"]
    autocomplete_fields = ["work"]
    readonly_fields = ["word_count"]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "is_complete", "updated_at"]
    search_fields = ["title", "creators__username"]
    autocomplete_fields = ["creators"]
    inlines = [SeriesPartInline]


@admin.register(WorkLink)
class WorkLinkAdmin(admin.ModelAdmin):
    list_display = ["source", "kind", "target", "target_title", "target_author"]
    list_filter = ["kind"]
    search_fields = ["source__title", "target_title", "target__title"]
    autocomplete_fields = ["source", "target"]
    formfield_overrides = HTTPS_URLS
