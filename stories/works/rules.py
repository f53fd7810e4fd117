"""AO3's posting rules, as pure functions on plain values, so that every path that
writes a work (the post and edit forms, the upload review, import_works through
works.services, the admin) refuses the same things with the same words.

- at least one fandom; a rating (Not Rated is a rating);
- at least one archive warning; "No Archive Warnings Apply" stands alone, while
  "Creator Chose Not To Use Archive Warnings" may stand beside specific warnings;
- lengths as a browser counts them (a line break is one character, whatever the
  platform sent), with AO3's limits (its otwarchive config/config.yml:
  TITLE_MAX 255, SUMMARY_MAX 1250, NOTES_MAX 5000, CONTENT_MAX 500000,
  TAG_MAX 150, USER_DEFINED_TAGS_MAX 75);
- a work is complete when its chapters reach the expected count ("2/2"); "2/?" is in
  progress and "3/2" is refused.

Each problem names its field (a WorkForm field name) and the rule."""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from stories.core.text import NONCHARACTERS
from stories.tags.names import MAX_TAG_LENGTH
from stories.works import vocabulary

MAX_TITLE = 255
MAX_SUMMARY = 1250
MAX_NOTES = 5000
MAX_CHAPTER_CHARS = 500_000
MAX_TAGS = 75
MAX_CHAPTERS = 200

NO_WARNINGS_APPLY = "none"  # Warning.NONE, named here to keep this module free of models
CHOSE_NOT_TO_WARN = "no_choice"
RATINGS = vocabulary.values(vocabulary.RATINGS)
WARNINGS = vocabulary.values(vocabulary.WARNINGS)
TAG_FIELD_LABELS = {
    "fandoms": "Fandoms",
    "relationships": "Relationships",
    "characters": "Characters",
    "freeforms": "Additional tags",
}
TEXT_LIMITS = {
    "title": ("Title", MAX_TITLE),
    "summary": ("Summary", MAX_SUMMARY),
    "notes": ("Beginning notes", MAX_NOTES),
    "end_notes": ("End notes", MAX_NOTES),
    "disclaimer": ("Disclaimer", MAX_NOTES),
}


@dataclass(frozen=True)
class Problem:
    """One broken rule: `field` is a WorkForm field name ("" for the whole work)."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


class WorkRefused(ValueError):
    """A work that breaks AO3's posting rules; `problems` lists each broken rule."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__(" ".join(problem.message for problem in self.problems))


# C0 controls but tab and line feed, DEL, C1 controls, and lone surrogates: nothing a
# reader can see, XML 1.0 (feeds, EPUB) cannot carry most of them, PostgreSQL no NUL.
# Control characters that show nothing and are dropped; the ones Python reads as
# white space (vertical tab, form feed, the four separators, NEL) become a space or a
# line break instead, as core.text.one_line reads them, so that a title reads the same
# through the form as through one_line.
CONTROL_RE = re.compile(f"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff{NONCHARACTERS}]")
_WHITE_CONTROLS = str.maketrans(
    {"\x0b": " ", "\x0c": " ", "\x1c": " ", "\x1d": " ", "\x1e": " ", "\x1f": " ", "\x85": "\n"}
)


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR -> LF, control characters dropped: what a browser's textarea
    counts, and what is stored."""
    return CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).translate(_WHITE_CONTROLS)


def browser_length(text: str) -> int:
    """Characters as a browser's maxlength counts them: a line break is one.
    (Browsers count UTF-16 code units; for the BMP that is the same as len().)"""
    return len(normalise_newlines(text))


def length_problem(field: str, label: str, text: str, limit: int) -> Problem | None:
    length = browser_length(text)
    if length > limit:
        return Problem(field, f"{label} may be at most {limit:,} characters (it has {length:,}).")
    return None


def warning_problems(warnings: Iterable[str]) -> list[Problem]:
    """At least one warning; "No Archive Warnings Apply" with no other."""
    chosen = list(dict.fromkeys(warnings))
    unknown = [w for w in chosen if w not in WARNINGS]
    if unknown:
        return [Problem("warnings", f"“{unknown[0][:40]}” is not an archive warning.")]
    if not chosen:
        return [
            Problem(
                "warnings",
                "Choose at least one archive warning (or “Creator Chose Not To Use Archive Warnings”).",
            )
        ]
    if NO_WARNINGS_APPLY in chosen and len(chosen) > 1:
        return [
            Problem(
                "warnings",
                "“No Archive Warnings Apply” cannot be chosen with any other archive warning.",
            )
        ]
    return []


def tag_problems(tags_by_field: Mapping[str, Sequence[str]]) -> list[Problem]:
    """A fandom; each tag at most 150 characters; at most 75 tags in all. Names are
    given in their normal form (tags.names)."""
    problems = []
    if not [name for name in tags_by_field.get("fandoms", ()) if name]:
        problems.append(Problem("fandoms", "A work needs at least one fandom."))
    for field, names in tags_by_field.items():
        long = [name for name in names if len(name) > MAX_TAG_LENGTH]
        if long:
            label = TAG_FIELD_LABELS.get(field, field)
            problems.append(
                Problem(
                    field,
                    f"{label}: a tag may be at most {MAX_TAG_LENGTH} characters; “{long[0][:40]}…” has {len(long[0])}.",
                )
            )
    total = sum(len(names) for names in tags_by_field.values())
    if total > MAX_TAGS:
        problems.append(Problem("", f"A work may have at most {MAX_TAGS} tags; this one has {total}."))
    return problems


def chapter_count_problem(*, chapters: int, expected: int | None) -> Problem | None:
    """ "3/2" is refused: a work cannot have more chapters than it expects."""
    if expected is not None and chapters > expected:
        return Problem(
            "expected_chapters",
            f"Expected number of chapters: the work has {chapters} chapters, so it cannot expect {expected}.",
        )
    return None


def is_complete(*, chapters: int, expected: int | None) -> bool:
    """Complete is derived, never set: "2/2" is complete, "2/?" and "1/2" are not."""
    return expected is not None and chapters >= expected > 0


def work_problems(
    *,
    title: str,
    rating: str,
    warnings: Iterable[str],
    tags_by_field: Mapping[str, Sequence[str]] | None,
    texts: Mapping[str, str] | None = None,
    chapter_bodies: Sequence[str] = (),
    expected_chapters: int | None = None,
    chapter_count: int | None = None,
) -> list[Problem]:
    """Every posting rule the values break, in form order; [] when they may be saved.
    `texts` maps "summary", "notes", "end_notes", "disclaimer" to their text;
    `tags_by_field` is None when the tags are not being changed."""
    problems: list[Problem] = []
    if not title.strip():
        problems.append(Problem("title", "A work needs a title."))
    for field, text in {"title": title, **(texts or {})}.items():
        label, limit = TEXT_LIMITS[field]
        problem = length_problem(field, label, text, limit)
        if problem:
            problems.append(problem)
    if rating not in RATINGS:
        problems.append(Problem("rating", "Choose a rating (“Not Rated” is one)."))
    problems += warning_problems(warnings)
    if tags_by_field is not None:
        problems += tag_problems(tags_by_field)
    for number, body in enumerate(chapter_bodies, start=1):
        problem = length_problem("", f"Chapter {number}'s text", body, MAX_CHAPTER_CHARS)
        if problem:
            problems.append(problem)
        elif not body.strip():
            problems.append(Problem("", f"Chapter {number} needs some text."))
    if len(chapter_bodies) > MAX_CHAPTERS:
        problems.append(
            Problem("", f"A work may have at most {MAX_CHAPTERS} chapters; this one has {len(chapter_bodies)}.")
        )
    count = chapter_count if chapter_count is not None else len(chapter_bodies)
    problem = chapter_count_problem(chapters=count, expected=expected_chapters)
    if problem:
        problems.append(problem)
    return problems


def expected_for(*, marked_complete: bool, expected: int | None, chapters: int) -> tuple[int | None, Problem | None]:
    """The expected chapter count to store when an author (or a file) says the work is
    complete: "complete" with no count means "as many as it has"; "complete" with more
    expected than posted is refused."""
    if not marked_complete:
        return expected, None
    if expected is None:
        return chapters, None
    if expected != chapters:
        return expected, Problem(
            "is_complete",
            f"A complete work has as many chapters as it expects: this one has {chapters} of {expected}.",
        )
    return expected, None
