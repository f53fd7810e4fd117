"""Write paths for tags as authors use them: finding or creating a tag by name.
Wrangling (canonical, synonyms, parents, merges) is in tags.wrangling."""

from collections.abc import Iterable

from stories.models import Tag, TagKind
from stories.tags.names import clean_tag_name, normalise_relationship


def tags_get_or_create(*, kind: str, names: Iterable[str]) -> list[Tag]:
    """The tags of `kind` with these names, created when new. Lookup ignores case;
    relationship names are normalised so name order does not matter."""
    tags: list[Tag] = []
    for raw in names:
        name = normalise_relationship(raw) if kind == TagKind.RELATIONSHIP else clean_tag_name(raw)
        if not name:
            continue
        tag = Tag.objects.filter(kind=kind, name__iexact=name).first()
        if tag is None:
            tag = Tag(kind=kind, name=name)
            tag.save()
        if tag not in tags:
            tags.append(tag)
    return tags
