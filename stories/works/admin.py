"""The moderators' tools for works, chapters, series and work links (tags are in
tags.admin, reports and comments in readers.admin). Moderators are staff in the *Moderators* group; every
change made here is recorded in Django's admin log (LogEntry)."""

from django.contrib import admin
from django.db import models, transaction

from stories.models import (
    Chapter,
    Series,
    SeriesPart,
    TaggedWork,
    Work,
    WorkCreator,
    WorkLink,
)
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


class TaggedWorkInline(admin.TabularInline):
    model = TaggedWork
    extra = 1
    autocomplete_fields = ["tag"]
    verbose_name = "tag"


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
    readonly_fields = ["word_count", "chapter_count", "kudos_count", "comment_count", "bookmark_count", "created_at"]
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
