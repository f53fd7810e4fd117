"""Suggestions for tag names an author types: which are new, and which existing tag
they may have meant. Shown on the preview, so it works without JavaScript."""

import difflib
from collections.abc import Sequence

from django.db.models import Q
from django.db.models.functions import Lower

from stories.models import Tag, TagKind
from stories.tags.names import clean_tag_name, normalise_relationship

FIELD_KINDS = {
    "fandoms": TagKind.FANDOM,
    "relationships": TagKind.RELATIONSHIP,
    "characters": TagKind.CHARACTER,
    "freeforms": TagKind.FREEFORM,
}


def tag_hints(tags_by_field: dict[str, Sequence[str]]) -> list[dict]:
    """For each typed name with no tag of its kind yet: {"kind", "name", "suggestions"}."""
    hints = []
    for field, names in tags_by_field.items():
        kind = FIELD_KINDS[field]
        spelled = [normalise_relationship(n) if kind == TagKind.RELATIONSHIP else clean_tag_name(n) for n in names]
        spelled = [n for n in spelled if n]
        if not spelled:
            continue
        known = set(
            Tag.objects.annotate(lowered=Lower("name"))
            .filter(kind=kind, lowered__in=[n.lower() for n in spelled])
            .values_list("lowered", flat=True)
        )
        for name in spelled:
            if name.lower() not in known:
                hints.append({"kind": TagKind(kind).label, "name": name, "suggestions": _close(kind, name)})
    return hints


def _close(kind: str, name: str) -> list[str]:
    words = [w for w in name.replace("/", " ").replace("&", " ").split() if len(w) >= 3][:4]
    if not words:
        return []
    match = Q()
    for word in words:
        match |= Q(name__icontains=word[:5])
    candidates = list(Tag.objects.filter(match, kind=kind).values_list("name", flat=True)[:200])
    lowered = {c.lower(): c for c in candidates}
    return [lowered[c] for c in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.6)]
