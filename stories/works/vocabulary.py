"""AO3's closed vocabularies, read once from vocabulary.toml beside this module.

The ratings, archive warnings and categories are data, not code: the models build their
choices from them (stories.models.works.Rating, Warning, Category), the posting rules check
values against them, and the importers read every spelling listed for them. Adding a spelling
a file from the wild uses is a line in the TOML file. This module imports no models.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary: `name` the Python member name ("TEEN"), `value` the
    stored string ("teen"), `label` AO3's wording ("Teen And Up Audiences"), `aliases`
    other lower-case spellings an importer accepts ("t", "pg-13")."""

    name: str
    value: str
    label: str
    aliases: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every lower-case spelling that means this term: the label, then the aliases."""
        return (self.label.lower(), *self.aliases)


def _load(path: Path) -> dict[str, tuple[Term, ...]]:
    """{"rating": (Term, …), "warning": …, "category": …} in the file's order.
    Raises tomllib.TOMLDecodeError or TypeError on a malformed file (at import time)."""
    with path.open("rb") as handle:
        tables = tomllib.load(handle)
    return {
        kind: tuple(Term(**{**row, "aliases": tuple(row.get("aliases", ()))}) for row in rows)
        for kind, rows in tables.items()
    }


_VOCABULARIES = _load(Path(__file__).with_name("vocabulary.toml"))
RATINGS: tuple[Term, ...] = _VOCABULARIES["rating"]
WARNINGS: tuple[Term, ...] = _VOCABULARIES["warning"]
CATEGORIES: tuple[Term, ...] = _VOCABULARIES["category"]


def members(terms: tuple[Term, ...]) -> list[tuple[str, tuple[str, str]]]:
    """[(name, (value, label)), …]: the members argument of Django's functional
    TextChoices API, e.g. models.TextChoices("Rating", members(RATINGS))."""
    return [(term.name, (term.value, term.label)) for term in terms]


def values(terms: tuple[Term, ...]) -> frozenset[str]:
    """The stored values of a vocabulary: {"not_rated", "general", …}."""
    return frozenset(term.value for term in terms)


def spellings(terms: tuple[Term, ...]) -> dict[str, str]:
    """{lower-case spelling: stored value} over every term's label and aliases."""
    return {spelling: term.value for term in terms for spelling in term.spellings}
