from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info
from taggit.managers import TaggableManager

from stories.core.rendering import count_words, render
from stories.core.text import one_line
from stories.core.urlcache import work_url
from stories.models.base import RenderedText, Timestamped
from stories.models.tags import TaggedWork, tag_key
from stories.works import vocabulary
from stories.works.rules import is_complete

# AO3's vocabularies are data (stories/works/vocabulary.toml); these are their Django choices.
Rating = models.TextChoices("Rating", vocabulary.members(vocabulary.RATINGS))
Warning = models.TextChoices("Warning", vocabulary.members(vocabulary.WARNINGS))
Category = models.TextChoices("Category", vocabulary.members(vocabulary.CATEGORIES))
# Value -> label, for labels a list page shows twenty times over: get_FOO_display()
# builds a dict of the choices on every call.
_LABELS = {
    name: dict(choices.choices) for name, choices in (("rating", Rating), ("warning", Warning), ("category", Category))
}


class TextFormat(models.TextChoices):
    MARKDOWN = "markdown", "Markdown"
    TEXT = "text", "Plain text"
    HTML = "html", "HTML"


class WorkQuerySet(models.QuerySet):
    def posted(self):
        return self.filter(status="posted")

    def listed(self):
        """Works that appear in lists, feeds and search: posted and not hidden."""
        return self.filter(status="posted", is_hidden=False)

    def visible_to(self, user):
        """What `user` may see in lists: restricted works only for signed-in readers."""
        if user is None or not user.is_authenticated:
            return self.filter(restricted=False)
        return self

    def viewable_by(self, user):
        """Works whose page `user` may open: listed ones, plus their own drafts and
        hidden works, plus everything for moderators."""
        if user is not None and user.is_authenticated and (user.is_staff or user.is_superuser):
            return self
        if user is not None and user.is_authenticated:
            own = Q(creator_links__user=user)
            return self.filter(Q(status="posted", is_hidden=False) | own).distinct()
        return self.listed().filter(restricted=False)

    def by_creator(self, user):
        return self.filter(Exists(WorkCreator.objects.filter(work=OuterRef("pk"), user=user)))

    def tagged(self, tag):
        """Works tagged with `tag` or any of its synonyms (and, for a synonym, its canonical):
        the works whose tag keys hold the key of its root (see `Work.tag_keys`)."""
        return self.filter(tag_keys__contains=[tag_key(tag.synonym_of or tag)])

    def for_listing(self):
        """Everything a work blurb shows, in a fixed number of queries."""
        return self.prefetch_related(
            Prefetch("creator_links", queryset=WorkCreator.objects.select_related("user").order_by("position", "id")),
            Prefetch(
                "tagged_items",
                queryset=TaggedWork.objects.select_related("tag").order_by("tag__kind", "tag__name"),
            ),
        )


def _tags_of_kind(kind: str) -> property:
    """A read-only Work attribute: the work's tags of `kind`, in listing order."""
    return property(lambda work: work.tags_of_kind(kind), doc=f"The work's {kind} tags, in listing order.")


class Work(RenderedText, models.Model):
    """A story. Counts (words, chapters, kudos, ...) are stored on the row so list
    pages can sort and show them without aggregating per request."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        POSTED = "posted", "Posted"

    title = models.CharField(max_length=255)
    creators = models.ManyToManyField(settings.AUTH_USER_MODEL, through="WorkCreator", related_name="works", blank=True)
    summary = models.TextField(blank=True)
    summary_html = models.TextField(blank=True, editable=False)
    disclaimer = models.TextField(blank=True)
    notes = models.TextField("beginning notes", blank=True)
    notes_html = models.TextField(blank=True, editable=False)
    end_notes = models.TextField(blank=True)
    end_notes_html = models.TextField(blank=True, editable=False)

    rating = models.CharField(max_length=16, choices=Rating.choices, default=Rating.NOT_RATED)
    warnings = ArrayField(models.CharField(max_length=16, choices=Warning.choices), default=list, blank=True)
    categories = ArrayField(models.CharField(max_length=8, choices=Category.choices), default=list, blank=True)
    language = models.CharField(max_length=16, default="en")
    tags = TaggableManager(through=TaggedWork, blank=True)

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(default=timezone.localdate)
    updated_at = models.DateTimeField(default=timezone.now, help_text="Last time content was added or changed.")
    created_at = models.DateTimeField(auto_now_add=True)
    is_complete = models.BooleanField(default=False)
    expected_chapters = models.PositiveIntegerField(null=True, blank=True, help_text="Empty means unknown (n/?).")

    is_hidden = models.BooleanField(default=False, help_text="Hidden by a moderator: gone from every list.")
    hidden_reason = models.TextField(blank=True, help_text="Shown to the work's creators.")
    restricted = models.BooleanField(default=False, help_text="Only signed-in readers may see it.")
    comments_from_guests = models.BooleanField(default=True)

    word_count = models.PositiveIntegerField(default=0, editable=False)
    chapter_count = models.PositiveIntegerField(default=0, editable=False)
    hit_count = models.PositiveIntegerField(default=0)
    kudos_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    bookmark_count = models.PositiveIntegerField(default=0, editable=False)

    # The root (canonical) of each of the work's tags, with its kind folded in
    # (models.tags.tag_key), sorted: tag filters and facet counts read it through its
    # GIN index. Kept by database triggers from the taggings (migration 0022): a
    # value written here is replaced by the one they compute.
    tag_keys = ArrayField(
        models.IntegerField(),
        default=list,
        blank=True,
        editable=False,
        help_text="The roots of the work's tags with their kinds (quire_tag_key); kept by triggers.",
    )
    search_vector = SearchVectorField(null=True, editable=False)
    # Title, tags, creators and summary only: small enough to rank thousands of matches fast.
    search_head = SearchVectorField(null=True, editable=False)

    objects = WorkQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status", "is_hidden", "-updated_at"], name="work_listing_updated"),
            models.Index(fields=["-published_on", "-id"], name="work_published"),
            models.Index(fields=["-word_count"], name="work_words"),
            models.Index(fields=["-kudos_count"], name="work_kudos"),
            models.Index(fields=["-hit_count"], name="work_hits"),
            models.Index(fields=["title"], name="work_title"),
            models.Index(fields=["rating"], name="work_rating"),
            GinIndex(fields=["search_vector"], name="work_search"),
            GinIndex(fields=["tag_keys"], name="work_tag_keys"),
            # Filters and facets look works up by id in bulk (tag matches, search
            # candidates) to check or count these columns: from the index alone. A
            # facet sample of a popular tag's works (1,000 of a hundred thousand)
            # reads it in order and stops, instead of visiting a heap page per work.
            models.Index(
                fields=["id"],
                include=[
                    "status",
                    "is_hidden",
                    "restricted",
                    "rating",
                    "language",
                    "is_complete",
                    "warnings",
                    "categories",
                    "tag_keys",
                ],
                name="work_filter_covering",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is None:
            # Complete is derived from the counts on every path (AO3: "2/2" is complete);
            # a partial save leaves it to work_recount, which knows the fresh counts.
            self.is_complete = is_complete(chapters=self.chapter_count, expected=self.expected_chapters)
        super().save(*args, **kwargs)  # RenderedText: safe HTML and a one-line title on every path

    def get_absolute_url(self) -> str:
        return work_url(self.pk)

    @property
    def is_posted(self) -> bool:
        return self.status == self.Status.POSTED

    @property
    def chapters_display(self) -> str:
        """AO3's "n/m" with "?" for an unknown total; a complete work shows n/n."""
        if self.is_complete:
            return f"{self.chapter_count}/{self.chapter_count}"
        return f"{self.chapter_count}/{self.expected_chapters or '?'}"

    @property
    def needs_content_notice(self) -> bool:
        return self.rating in (Rating.MATURE, Rating.EXPLICIT, Rating.NOT_RATED)

    def listing_tags(self) -> list:
        """The work's tags by kind and name: the rows stories.discovery.blurbs.attach_listing
        set, or else the tagged_items prefetched by WorkQuerySet.for_listing."""
        listed = self.__dict__.get("listed_tags")
        if listed is not None:
            return listed
        return [item.tag for item in self.tagged_items.all()]

    def tags_of_kind(self, kind: str) -> list:
        return [tag for tag in self.listing_tags() if tag.kind == kind]

    fandoms = _tags_of_kind("fandom")
    relationships = _tags_of_kind("relationship")
    characters = _tags_of_kind("character")
    freeforms = _tags_of_kind("freeform")

    @property
    def creator_users(self) -> list:
        """The creators in order, from attach_listing's rows or the prefetched links."""
        listed = self.__dict__.get("listed_creators")
        if listed is not None:
            return listed
        return [link.user for link in self.creator_links.all()]

    @property
    def language_name(self) -> str:
        try:
            return get_language_info(self.language)["name"]
        except KeyError:
            return self.language

    @property
    def rating_label(self) -> str:
        """What get_rating_display() says (the stored value itself when unknown)."""
        return _LABELS["rating"].get(self.rating, self.rating)

    def warning_labels(self) -> list[str]:
        labels = _LABELS["warning"]
        return [labels[w] for w in self.warnings]

    def category_labels(self) -> list[str]:
        labels = _LABELS["category"]
        return [labels[c] for c in self.categories]


class WorkCreator(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="creator_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="creator_links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["work", "user"], name="workcreator_unique")]

    def __str__(self) -> str:
        # Read in the admin's log ("Deleted creator “name on work 12”").
        return f"{self.user.get_username()} on work {self.work_id}"


class Chapter(RenderedText, Timestamped):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="chapters")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=255, blank=True)
    summary = models.TextField(blank=True)
    summary_html = models.TextField(blank=True, editable=False)
    notes = models.TextField(blank=True)
    notes_html = models.TextField(blank=True, editable=False)
    end_notes = models.TextField(blank=True)
    end_notes_html = models.TextField(blank=True, editable=False)
    body = models.TextField()
    body_format = models.CharField(max_length=8, choices=TextFormat.choices, default=TextFormat.MARKDOWN)
    body_html = models.TextField(blank=True, editable=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    published_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["work", "position"]
        constraints = [
            # Deferred so chapters can be reordered inside one transaction.
            models.UniqueConstraint(
                fields=["work", "position"],
                name="chapter_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    DERIVED = ("body_html", "word_count")

    def render_text(self) -> None:
        """RenderedText's fields, then the body's sanitised HTML and its word count."""
        super().render_text()
        self.body_html = render(self.body, self.body_format)
        self.word_count = count_words(self.body_html)

    @property
    def display_title(self) -> str:
        if self.title:
            return f"Chapter {self.position}: {self.title}"
        return f"Chapter {self.position}"

    def get_absolute_url(self) -> str:
        return reverse("stories:chapter-detail", args=[self.work_id, self.position])


class WorkLink(models.Model):
    """A typed link from one work to another. Until the target is posted on the
    archive it is only a title (and author name); see services.work_links_resolve()."""

    class Kind(models.TextChoices):
        SEQUEL_OF = "sequel_of", "Sequel to"
        PREQUEL_OF = "prequel_of", "Prequel to"
        INSPIRED_BY = "inspired_by", "Inspired by"
        TRANSLATION_OF = "translation_of", "Translation of"

    # How the link reads from the target's side.
    REVERSE_LABELS = {
        Kind.SEQUEL_OF: "Followed by",
        Kind.PREQUEL_OF: "Preceded by",
        Kind.INSPIRED_BY: "Inspired",
        Kind.TRANSLATION_OF: "Translated as",
    }

    source = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="outgoing_links")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    target = models.ForeignKey(Work, null=True, blank=True, on_delete=models.SET_NULL, related_name="incoming_links")
    target_title = models.CharField(max_length=255, blank=True)
    target_author = models.CharField(
        max_length=150, blank=True, help_text="Empty means the same author as the source work."
    )
    target_url = models.URLField(blank=True, help_text="For a work elsewhere on the web.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target__isnull=False) | ~models.Q(target_title=""),
                name="worklink_has_target",
            ),
            models.CheckConstraint(condition=~models.Q(target=models.F("source")), name="worklink_not_to_itself"),
        ]
        indexes = [
            models.Index(fields=["target_title"], name="worklink_unresolved", condition=models.Q(target__isnull=True))
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target_display}"

    def save(self, *args, **kwargs):
        self.target_title = one_line(self.target_title)[:255]
        self.target_author = one_line(self.target_author)[:150]
        super().save(*args, **kwargs)

    @property
    def target_display(self) -> str:
        return self.target.title if self.target_id else self.target_title

    @property
    def reverse_label(self) -> str:
        return self.REVERSE_LABELS[self.kind]


class ImportedFile(models.Model):
    """A file that `manage.py import_works` posted as a work, known by the SHA-256 of
    its bytes, so that importing the same file again (renamed or moved, by the same
    creator) is recognised before it is even read. Goes with its work."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="imported_files")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imported_files")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the file's bytes, 64 hex digits.")
    name = models.CharField(max_length=255, blank=True, help_text="The file's name when it was imported.")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["user", "sha256"], name="importedfile_one_per_user")]

    def __str__(self) -> str:
        return f"{self.name or self.sha256[:12]} -> {self.work_id}"
