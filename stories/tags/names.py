"""Pure functions on tag names: the one normal form every path that creates or looks
up a tag goes through (the post form, the upload review, import_works, the admin and
the filters), and the slug that is the tag's URL.

The normal form: Unicode NFC (so "Café" typed with U+00E9 and with e + U+0301 is one
name), invisible characters dropped (control and format characters such as NUL,
zero-width spaces, direction marks, the BOM; a zero-width joiner survives only
between two symbols, where it builds one emoji), every run of white space (of any
script) one space, no space at either end. Names longer than MAX_TAG_LENGTH are
refused by the posting rules (works.rules), not cut.
Width and accents are kept: "Ｎａｒｕｔｏ" and "Naruto" are different names, as on
AO3, but both get working (distinct) slugs. Names compare without case (the
database's lower(), see name_key)."""

import hashlib
import re
import unicodedata

from django.utils.text import slugify

from stories.core.text import NONCHARACTERS

MAX_TAG_LENGTH = 150
# Room for a "-123" suffix when two names slugify alike, within the slug column's 180.
MAX_SLUG_LENGTH = 170
ROMANTIC_RE = re.compile(r"\s*/\s*")
PLATONIC_RE = re.compile(r"\s*&\s*")
ZWJ = "\u200d"
# Unicode categories that show nothing (control, format) or cannot be stored (lone
# surrogates). Unassigned code points are kept: to this Python's Unicode tables a
# newer emoji is unassigned, and dropping it would eat a name a fan typed.
_INVISIBLE = {"Cc", "Cf", "Cs"}
# Categories that a zero-width joiner may glue into one emoji.
_SYMBOLS = {"So", "Sk", "Mn", "Me"}


def _visible(text: str) -> str:
    """`text` without invisible characters; a ZWJ between two symbols is kept."""
    kept: list[str] = []
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if char == ZWJ:
            after = text[index + 1] if index + 1 < len(text) else ""
            if kept and after and unicodedata.category(kept[-1]) in _SYMBOLS and unicodedata.category(after) == "So":
                kept.append(char)
            continue
        if (category in _INVISIBLE and not char.isspace()) or char in NONCHARACTERS:
            continue
        kept.append(char)
    return "".join(kept)


def clean_tag_name(name: str) -> str:
    """The normal form of a tag name (see the module docstring); "" when nothing
    visible remains. Pure: str -> str, never raises; may be longer than MAX_TAG_LENGTH."""
    text = unicodedata.normalize("NFC", name)
    # Not cut at MAX_TAG_LENGTH: a longer name is refused with a message (works.rules),
    # never silently shortened.
    return " ".join(_visible(text).split())


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
    parts.sort(key=lambda part: (part.lower(), part))
    return clean_tag_name(separator.join(parts))


def tag_name_for_kind(kind: str, name: str) -> str:
    """The normal form of `name` as a tag of `kind` ("relationship" also orders its
    names). The single entry point for every write and lookup path."""
    return normalise_relationship(name) if kind == "relationship" else clean_tag_name(name)


def name_key(name: str) -> str:
    """What two names must share to be one tag of a kind: the normal form, lower-cased
    as PostgreSQL's lower() does for the unique constraint (str.lower, not casefold,
    so Python and the database agree)."""
    return clean_tag_name(name).lower()


def slug_base(name: str) -> str:
    """A URL segment for `name`, never empty, never "." or "..", never containing "/":
    unicode letters and digits are kept (browsers show them as typed); a name with
    none (emoji, punctuation) is spelled by its characters' Unicode names ("💔" ->
    "broken-heart"); failing that, a stable hash of the name ("tag-1a2b3c4d")."""
    name = clean_tag_name(name)
    # "A/B" and "A & B" are different relationships and need different URLs.
    spelled = name.replace("/", " x ").replace("&", " and ")
    slug = slugify(spelled, allow_unicode=True)
    if not slug:
        words = [unicodedata.name(char, "") for char in name if unicodedata.category(char) not in ("Zs", "Cf")]
        words = [word for i, word in enumerate(words) if word and (i == 0 or word != words[i - 1])]
        slug = slugify(" ".join(words))
    slug = slug[:MAX_SLUG_LENGTH].strip("-_")
    if not slug:
        digest = hashlib.blake2s(name.encode("utf-8", "surrogatepass"), digest_size=5).hexdigest()
        slug = f"tag-{digest}"
    return slug


def split_tag_names(value: str, kind: str = "") -> list[str]:
    """ "a, b,, A" -> ["a", "b"]: comma-separated names in their normal form (of
    `kind` when given), blanks and case-insensitive repeats dropped."""
    seen: set[str] = set()
    names: list[str] = []
    for part in value.split(","):
        name = tag_name_for_kind(kind, part)
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names
