"""Read paths for works: Work.objects.listed().visible_to(user).for_listing()."""

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q


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
        from stories.models import WorkCreator

        return self.filter(Exists(WorkCreator.objects.filter(work=OuterRef("pk"), user=user)))

    def tagged(self, tag):
        """Works tagged with `tag` or any of its synonyms (and, for a synonym, its canonical)."""
        from stories.models import TaggedWork

        return self.filter(
            Exists(TaggedWork.objects.filter(content_object=OuterRef("pk"), tag_id__in=tag_family_ids(tag)))
        )

    def for_listing(self):
        """Everything a work blurb shows, in a fixed number of queries."""
        from stories.models import TaggedWork, WorkCreator

        return self.prefetch_related(
            Prefetch("creator_links", queryset=WorkCreator.objects.select_related("user").order_by("position", "id")),
            Prefetch(
                "tagged_items",
                queryset=TaggedWork.objects.select_related("tag").order_by("tag__kind", "tag__name"),
            ),
        )


def tag_family_ids(tag) -> list[int]:
    """The tag, its canonical and all synonyms of that canonical: the works of any of
    them count as the works of the canonical tag."""
    from stories.models import Tag

    root = tag.synonym_of_id or tag.pk
    return list(Tag.objects.filter(Q(pk=root) | Q(synonym_of_id=root)).values_list("pk", flat=True))


class TagQuerySet(models.QuerySet):
    def get_by_natural_key(self, name):
        return self.get(name=name)

    def canonical_or_free(self):
        """Tags that have their own page of works: everything but synonyms."""
        return self.filter(synonym_of__isnull=True)

    def with_work_counts(self):
        """Annotate `work_count`: listed works tagged with the tag or any of its
        synonyms, each work counted once."""
        from django.db.models import Count, IntegerField, Subquery
        from django.db.models.functions import Coalesce

        from stories.models import TaggedWork

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
