"""Tag wrangling, the moderators' write paths: mark canonical, make synonyms, set
parent fandoms, merge. Each runs in one transaction and returns the tags it changed,
so the caller (the admin) can log every change."""

from collections.abc import Sequence

from django.db import transaction

from stories.models import Tag, TaggedWork, TagKind


class WranglingError(ValueError):
    """A wrangling request that would leave the tags inconsistent."""


@transaction.atomic
def tags_mark_canonical(*, tags: Sequence[Tag]) -> list[Tag]:
    """Make each tag canonical; a canonical tag is nobody's synonym."""
    changed = [tag for tag in tags if not tag.canonical or tag.synonym_of_id]
    Tag.objects.filter(pk__in=[tag.pk for tag in changed]).update(canonical=True, synonym_of=None)
    return changed


def _check_target(tags: Sequence[Tag], target: Tag) -> None:
    if any(tag.pk == target.pk for tag in tags):
        raise WranglingError(f"“{target.name}” cannot be a synonym of itself: leave it out of the selection.")
    if target.synonym_of_id:
        raise WranglingError(f"“{target.name}” is itself a synonym; choose a canonical tag.")
    if any(tag.kind != target.kind for tag in tags):
        raise WranglingError(
            f"Only tags of the same kind as “{target.name}” ({target.get_kind_display()}) can join it."
        )


@transaction.atomic
def tags_make_synonyms(*, tags: Sequence[Tag], canonical: Tag) -> list[Tag]:
    """Make each tag a synonym of `canonical` (which becomes canonical if it was not).
    Synonyms of the tags move to `canonical` too, so there are never chains."""
    _check_target(tags, canonical)
    if not canonical.canonical:
        Tag.objects.filter(pk=canonical.pk).update(canonical=True)
        canonical.canonical = True
    ids = [tag.pk for tag in tags]
    # Re-point the synonyms first: the tags themselves stop being canonical below.
    Tag.objects.filter(synonym_of_id__in=ids).update(synonym_of=canonical)
    Tag.objects.filter(pk__in=ids).update(synonym_of=canonical, canonical=False)
    return list(tags)


@transaction.atomic
def tags_set_parent(*, tags: Sequence[Tag], parent: Tag) -> list[Tag]:
    """Add the fandom `parent` to each character or relationship tag."""
    if parent.kind != TagKind.FANDOM:
        raise WranglingError("A parent must be a fandom.")
    wrong = [tag.name for tag in tags if tag.kind not in (TagKind.CHARACTER, TagKind.RELATIONSHIP)]
    if wrong:
        raise WranglingError(f"Only characters and relationships have a parent fandom, not: {', '.join(wrong)}.")
    for tag in tags:
        tag.parents.add(parent)
    return list(tags)


@transaction.atomic
def tags_merge(*, tags: Sequence[Tag], into: Tag) -> int:
    """Move every work tagged with one of `tags` onto `into` and make the tags its
    synonyms (so old links and imports still land on `into`). Returns how many
    taggings moved."""
    tags_make_synonyms(tags=tags, canonical=into)
    ids = [tag.pk for tag in tags]
    moving = TaggedWork.objects.filter(tag_id__in=ids)
    work_ids = list(moving.values_list("content_object_id", flat=True).distinct())
    TaggedWork.objects.bulk_create(
        [TaggedWork(content_object_id=work_id, tag=into) for work_id in work_ids], ignore_conflicts=True
    )
    moved, _ = moving.delete()
    return moved
