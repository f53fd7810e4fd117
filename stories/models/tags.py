from django.db import models
from django.db.models.functions import Lower
from taggit.models import TagBase, TaggedItemBase

from stories.querysets import TagQuerySet
from stories.urlcache import tag_url


class TagKind(models.TextChoices):
    FANDOM = "fandom", "Fandom"
    CHARACTER = "character", "Character"
    RELATIONSHIP = "relationship", "Relationship"
    FREEFORM = "freeform", "Additional Tag"


class Tag(TagBase):
    """A typed tag. Wrangling: a tag may be canonical; a non-canonical tag may be a
    synonym of a canonical one; characters and relationships may have parent fandoms.

    The name is unique per kind (a fandom and a character may both be "Naruto"), the
    slug is unique everywhere because it is the tag's URL.
    """

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=180, unique=True, allow_unicode=True)
    kind = models.CharField(max_length=16, choices=TagKind.choices, default=TagKind.FREEFORM)
    canonical = models.BooleanField(default=False)
    synonym_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="synonyms",
        limit_choices_to={"canonical": True},
        help_text="Works tagged with this tag also show under the canonical tag.",
    )
    parents = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="children",
        limit_choices_to={"kind": TagKind.FANDOM},
        help_text="Fandoms this character or relationship belongs to.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "kind", name="tag_unique_name_per_kind"),
            models.CheckConstraint(condition=~models.Q(synonym_of=models.F("id")), name="tag_not_synonym_of_itself"),
        ]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return tag_url(self.slug)

    def slugify(self, tag, i=None):
        # "A/B" and "A & B" are different relationships and need different URLs.
        spelled = str(tag).replace("/", " x ").replace("&", " and ")
        return super().slugify(spelled, i)

    @property
    def merged_into(self) -> "Tag":
        """The tag whose page lists this tag's works (itself, or its canonical)."""
        return self.synonym_of or self


class TaggedWork(TaggedItemBase):
    # No single-column indexes: the two below lead with each column, and the one
    # on (content_object, tag) lets facet counts read taggings from the index alone.
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_works", db_index=False)
    content_object = models.ForeignKey(
        "stories.Work", on_delete=models.CASCADE, related_name="tagged_items", db_index=False
    )

    # The tag this tagging counts under in facets (its canonical, or the tag itself)
    # and that tag's kind: written by database triggers (migration 0009), never here.
    root_id = models.IntegerField(
        null=True, editable=False, help_text="The canonical tag (or the tag itself); kept by a trigger."
    )
    root_kind = models.CharField(
        max_length=16,
        null=True,
        editable=False,
        db_collation="C",
        help_text="The kind of the root tag; kept by a trigger.",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="taggedwork_unique")]
        indexes = [
            models.Index(fields=["tag", "content_object"]),
            # Facet counts read a result's roots from this index alone (filters._tag_counts).
            models.Index(fields=["content_object", "root_kind", "root_id"], name="taggedwork_facets"),
        ]
