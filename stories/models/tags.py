from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from taggit.models import TagBase, TaggedItemBase

from stories.core.urlcache import tag_url
from stories.tags.names import slug_base, tag_name_for_kind


def tag_family_ids(tag) -> list[int]:
    """The tag, its canonical and all synonyms of that canonical: the works of any of
    them count as the works of the canonical tag."""
    root = tag.synonym_of_id or tag.pk
    return list(Tag.objects.filter(Q(pk=root) | Q(synonym_of_id=root)).values_list("pk", flat=True))


class TagQuerySet(models.QuerySet):
    def get_by_natural_key(self, name):
        return self.get(name=name)

    def named(self, *names: str):
        """Tags whose name equals one of `names` ignoring case, compared with the
        database's lower() on both sides: exactly what the unique constraint compares
        (Python's str.lower and PostgreSQL's differ on a few letters, e.g. "İ", "K")."""
        if not names:
            return self.none()
        return self.alias(lname=Lower("name")).filter(lname__in=[Lower(models.Value(name)) for name in names])

    def canonical_or_free(self):
        """Tags that have their own page of works: everything but synonyms."""
        return self.filter(synonym_of__isnull=True)

    def with_work_counts(self):
        """Annotate `work_count`: listed works tagged with the tag or any of its
        synonyms, each work counted once."""
        counts = (
            TaggedWork.objects.filter(
                Q(tag_id=OuterRef("pk")) | Q(tag__synonym_of_id=OuterRef("pk")),
                content_object__status="posted",
                content_object__is_hidden=False,
            )
            .order_by()
            .annotate(group=models.Value(1))
            .values("group")
            .annotate(n=Count("content_object", distinct=True))
            .values("n")
        )
        return self.annotate(work_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))

    def popular(self, limit: int = 24):
        return (
            self.canonical_or_free().with_work_counts().filter(work_count__gt=0).order_by("-work_count", "name")[:limit]
        )


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
        """The tag's page, or "" (logged) if a stored slug cannot be a URL."""
        return tag_url(self.slug)

    def slugify(self, tag, i=None):
        """A slug for the name `tag` (never empty, see names.slug_base); `i` numbers
        a second tag whose name slugifies alike."""
        base = slug_base(str(tag))
        return base if i is None else f"{base}-{i + 1}"

    def save(self, *args, **kwargs):
        """Store the name in its normal form (every path, the admin included) and give
        a new tag, or one whose stored slug is empty, a slug no other tag has."""
        self.name = tag_name_for_kind(self.kind, self.name)
        if not self.name:
            raise ValueError("A tag name needs at least one visible character.")
        if not self.slug:
            self.slug = self.unique_slug()
        return super(TagBase, self).save(*args, **kwargs)

    def unique_slug(self) -> str:
        """slug_base(name), numbered "-2", "-3" … past the slugs other tags hold. The
        unique constraint still guards a race; the caller's transaction then fails
        cleanly (no half-made tag)."""
        base = self.slugify(self.name)
        taken = set(Tag.objects.filter(slug__startswith=base).exclude(pk=self.pk).values_list("slug", flat=True))
        slug, i = base, 1
        while slug in taken:
            slug = self.slugify(self.name, i)
            i += 1
        return slug

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


class TaggedWith(models.Expression):
    """A condition on works: the work has a tagging with any tag of `ids`, for
    filter() or exclude() of a Work queryset. Its SQL is what Django writes for
    Exists(TaggedWork.objects.filter(content_object=OuterRef("pk"), tag_id__in=ids)),
    the same `IN (…)` list included, so the planner sees the same query; but it is
    written out here once: the ORM takes about 0.4 ms of Python to build and compile
    each such subquery, and a filtered list page has several. No ids match no work
    (EmptyResultSet, as tag_id__in=[] does)."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, ids, work=None):
        super().__init__()
        self.ids = list(ids)
        self.work = work if work is not None else models.F("pk")

    def get_source_expressions(self):
        return [self.work]

    def set_source_expressions(self, exprs):
        (self.work,) = exprs

    def as_sql(self, compiler, connection):
        if not self.ids:
            raise EmptyResultSet
        work_sql, work_params = compiler.compile(self.work)
        quote = connection.ops.quote_name
        meta = TaggedWork._meta
        work_column, tag_column = (quote(meta.get_field(name).column) for name in ("content_object", "tag"))
        # Its own alias: the outer query may read the same table.
        placeholders = ", ".join(["%s"] * len(self.ids))
        sql = (
            f"EXISTS(SELECT 1 FROM {quote(meta.db_table)} tagged_with WHERE tagged_with.{work_column} = {work_sql}"  # noqa: S608 - names from the model, values are parameters
            f" AND tagged_with.{tag_column} IN ({placeholders}))"
        )
        return sql, (*work_params, *self.ids)
