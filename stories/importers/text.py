"""Plain text (.txt) and Markdown (.md) with the FanFiction.Net-style header:

Title
Disclaimer: ...
Summary: ...            (also the common "Summery")
Author's Note: ...      (a following line with no known key continues it)
Published: 27 February 2008
Rating: T
<story text; "Chapter N: Title" lines split chapters; "x Fin x" ends it>
"""

import re

from stories.importers.base import (
    ChapterDraft,
    ImportFailed,
    WorkDraft,
    check_size,
    decode_text,
    find_links,
    parse_categories,
    parse_date,
    parse_rating,
    parse_warnings,
    split_list,
)

HEADER_KEYS = {
    "disclaimer": "disclaimer",
    "summary": "summary",
    "summery": "summary",
    "author's note": "notes",
    "author's notes": "notes",
    "authors note": "notes",
    "authors notes": "notes",
    "author’s note": "notes",
    "author’s notes": "notes",
    "a/n": "notes",
    "an": "notes",
    "notes": "notes",
    "note": "notes",
    "published": "published",
    "updated": "updated",
    "rating": "rating",
    "rated": "rating",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "characters": "characters",
    "character": "characters",
    "pairing": "relationships",
    "pairings": "relationships",
    "relationship": "relationships",
    "relationships": "relationships",
    "tags": "freeforms",
    "warnings": "warnings",
    "warning": "warnings",
    "author": "author",
    "words": "words",
    "status": "status",
    "category": "categories",
    "categories": "categories",
    "language": "language",
}
HEADER_RE = re.compile(r"^\s*(?P<key>[A-Za-z'’/ ]{1,20}?)\s*:\s*(?P<value>.*)$")
CHAPTER_RE = re.compile(r"^\s*chapter\s+(?P<number>\d+|[ivxlc]+)\b\s*[:.\-–—]?\s*(?P<title>.*)$", re.IGNORECASE)
ENDING_RE = re.compile(r"^\s*(?:[~x*\-=]+\s*)?(?:fin|the\s+end|end)(?:\s*[~x*\-=]+)?\s*[.!]?\s*$", re.IGNORECASE)
# How many lines without a known key may separate two header lines and still be
# read as the continuation of the first; past this the story has begun.
MAX_CONTINUATION_LINES = 3


def header_key(line: str) -> str | None:
    match = HEADER_RE.match(line)
    if not match:
        return None
    return HEADER_KEYS.get(" ".join(match.group("key").lower().split()))


def parse(data: bytes, *, body_format: str = "text") -> WorkDraft:
    """Read a FanFiction.Net-style text or Markdown file into a WorkDraft."""
    check_size(data)
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    # The first non-empty line is the title.
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if index is None:
        raise ImportFailed("The file is empty.")
    draft = WorkDraft(title=lines[index].strip().lstrip("#").strip())
    body_start = _read_header(lines, index + 1, draft)
    _read_body(lines[body_start:], draft, body_format)
    draft.links = find_links(draft.summary, draft.notes)
    if not draft.title:
        raise ImportFailed("The file has no title on its first line.")
    return draft


def _read_header(lines: list[str], start: int, draft: WorkDraft) -> int:
    """Collect `Key: value` lines; return the index where the story text starts."""
    values: dict[str, list[str]] = {}
    current: str | None = None
    pending: list[str] = []  # unkeyed lines after the current key, not yet known to be header
    body_start = start
    for i in range(start, len(lines)):
        line = lines[i]
        key = header_key(line)
        if key:
            if current and pending:
                values[current].extend(pending)
            pending = []
            current = key
            values.setdefault(key, []).append(HEADER_RE.match(line).group("value").strip())
            body_start = i + 1
        elif current is None:
            if line.strip():
                break  # no header at all: the text starts right after the title
        elif line.strip():
            pending.append(line.strip())
            if len(pending) > MAX_CONTINUATION_LINES:
                break
    _apply_header(values, draft)
    return body_start


def _apply_header(values: dict[str, list[str]], draft: WorkDraft) -> None:
    def joined(key: str, sep: str = "\n") -> str:
        return sep.join(v for v in values.get(key, []) if v).strip()

    draft.disclaimer = joined("disclaimer")
    draft.summary = joined("summary")
    draft.notes = joined("notes")
    draft.rating = parse_rating(joined("rating", " "))
    draft.published_on = parse_date(joined("published", " "))
    draft.updated_on = parse_date(joined("updated", " "))
    draft.fandoms = split_list(joined("fandoms", ","))
    draft.characters = split_list(joined("characters", ","))
    draft.relationships = split_list(joined("relationships", ","))
    draft.freeforms = split_list(joined("freeforms", ","))
    draft.categories = parse_categories(joined("categories", ","))
    draft.language = joined("language", " ")
    warnings, other = parse_warnings(joined("warnings", ","))
    draft.warnings = warnings
    draft.freeforms += [w for w in other if w.lower() not in {f.lower() for f in draft.freeforms}]
    if joined("author", " "):
        draft.creators = split_list(joined("author", ","))
    status = joined("status", " ").lower()
    if status in {"complete", "completed", "finished"}:
        draft.is_complete = True


def _read_body(lines: list[str], draft: WorkDraft, body_format: str) -> None:
    chapters: list[ChapterDraft] = []
    current_title = ""
    current: list[str] = []
    saw_heading = False

    def close() -> None:
        body = "\n".join(current).strip("\n")
        if body.strip():
            chapters.append(ChapterDraft(body=body, body_format=body_format, title=current_title))

    for line in lines:
        match = CHAPTER_RE.match(line.lstrip("#").strip()) if len(line) < 120 else None
        if match:
            if current and any(part.strip() for part in current):
                close()
            current, current_title, saw_heading = [], match.group("title").strip(), True
            continue
        current.append(line)
    close()
    if not chapters:
        raise ImportFailed("The file has a title but no story text.")
    if not saw_heading:
        chapters[0].title = ""
    last_line = next((line for line in reversed(chapters[-1].body.split("\n")) if line.strip()), "")
    if ENDING_RE.match(last_line):
        draft.is_complete = True
    draft.chapters = chapters
    if draft.is_complete:
        draft.expected_chapters = len(chapters)
