"""Write paths for tags as authors use them: finding or creating a tag by name.
Wrangling (canonical, synonyms, parents, merges) is in tags.wrangling."""

from collections.abc import Iterable

from stories.models import Tag
from stories.tags.names import MAX_TAG_LENGTH, tag_name_for_kind


def tags_get_or_create(*, kind: str, names: Iterable[str]) -> list[Tag]:
    """The tags of `kind` with these names, created when new. Names are taken in their
    normal form (tags.names.tag_name_for_kind: NFC, invisible characters dropped, spaces
    collapsed; relationship names ordered); lookup ignores case. A name over
    MAX_TAG_LENGTH raises ValueError: callers check the posting rules first."""
    tags: list[Tag] = []
    for raw in names:
        name = tag_name_for_kind(kind, raw)
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH:
            raise ValueError(f"A tag may be at most {MAX_TAG_LENGTH} characters: “{name[:40]}…” is longer.")
        tag = Tag.objects.filter(kind=kind).named(name).order_by("pk").first()
        if tag is None:
            tag = Tag(kind=kind, name=name)
            tag.save()
        if tag not in tags:
            tags.append(tag)
    return tags
