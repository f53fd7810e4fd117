"""Usernames that cannot impersonate: normalised, from a safe set of characters, not
reserved, and neither equal (ignoring case) nor confusable with an existing one."""

import functools
import unicodedata

from confusable_homoglyphs import confusables
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import URLResolver, get_resolver

MAX_LENGTH = 150
PUNCTUATION = "_-."
# Names that read as the site speaking, plus every first segment of Quire's own paths
# (added by reserved_names), so that /users/<name>/ can never pose as a page.
RESERVED = {
    ".",
    "..",
    "admin",
    "administrator",
    "api",
    "opds",
    "static",
    "media",
    "accounts",
    "moderator",
    "moderators",
    "quire",
    "root",
    "staff",
    "support",
    "system",
    "anonymous",
    "guest",
}


def normalise(value: str) -> str:
    """NFKC (so full-width and ligature look-alikes become plain letters), trimmed."""
    return unicodedata.normalize("NFKC", value or "").strip()


@functools.cache
def reserved_names() -> frozenset[str]:
    """RESERVED plus the first path segment of every route, casefolded."""
    names = {name.casefold() for name in RESERVED}
    stack = list(get_resolver().url_patterns)
    while stack:
        entry = stack.pop()
        first = str(entry.pattern).lstrip("^").split("/", 1)[0]
        if first and "<" not in first:
            names.add(first.casefold())
        if isinstance(entry, URLResolver) and not first:
            stack.extend(entry.url_patterns)
    return frozenset(names)


def skeleton(value: str) -> str:
    """The name with each confusable character replaced by its Latin look-alike,
    casefolded: "dоnald" (Cyrillic о) and "Donald" have the same skeleton."""
    out = []
    for char in value:
        found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin", "common"])
        out.append(found[0]["homoglyphs"][0]["c"] if found and found[0]["homoglyphs"] else char)
    return "".join(out).casefold()


def username_problem(value: str) -> str | None:
    """Why `value` (already normalised) cannot be a new username; None when it can."""
    if not value:
        return "Choose a username."
    if len(value) > MAX_LENGTH:
        return f"A username may be at most {MAX_LENGTH} characters."
    if any(not (char.isalnum() or char in PUNCTUATION) for char in value):
        return "A username may use only letters, digits and _ - . (no spaces or other symbols)."
    if value.startswith(".") or value.endswith("."):
        return "A username cannot start or end with a dot."
    if value.casefold() in reserved_names():
        return f"“{value}” is reserved: choose another username."
    User = get_user_model()
    if User.objects.filter(username__iexact=value).exists():
        return "A user with that username already exists."
    look = skeleton(value)
    if look != value.casefold() and User.objects.filter(username__iexact=look).exists():
        return "This username looks like an existing one; choose another."
    if confusables.is_dangerous(value):
        return "This username mixes alphabets in a way that can imitate other names; use one alphabet."
    return None


def validate_new_username(value: str) -> str:
    """The normalised username; raises ValidationError with a message naming the rule."""
    value = normalise(value)
    if problem := username_problem(value):
        raise ValidationError(problem)
    return value
