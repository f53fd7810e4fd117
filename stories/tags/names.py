"""Pure functions on tag names."""

import re

MAX_TAG_LENGTH = 150
ROMANTIC_RE = re.compile(r"\s*/\s*")
PLATONIC_RE = re.compile(r"\s*&\s*")


def clean_tag_name(name: str) -> str:
    """Collapse white space; taggit and the database do the rest."""
    return " ".join(name.split())[:MAX_TAG_LENGTH]


def normalise_relationship(name: str) -> str:
    """One spelling per relationship, whatever the order of names:
    "Kakashi/Iruka", "iruka / kakashi" -> "Iruka/Kakashi" (the lookup that finds an
    existing tag is case-insensitive, so the first spelling's case is kept).
    "A & B" is a friendship, a different relationship from "A/B", and stays "&".
    """
    name = clean_tag_name(name)
    if "/" in name:
        separator, parts = "/", ROMANTIC_RE.split(name)
    elif "&" in name:
        separator, parts = " & ", PLATONIC_RE.split(name)
    else:
        return name
    parts = [part.strip() for part in parts if part.strip()]
    if len(parts) < 2:
        return name
    parts.sort(key=lambda part: (part.casefold(), part))
    return separator.join(parts)
