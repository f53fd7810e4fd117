"""Plain text (.txt) and Markdown (.md) with the FanFiction.Net-style header:

Title
Disclaimer: ...
Summary: ...            (also the common "Summery")
Author's Note: ...      (a following line with no known key continues it)
Published: 27 February 2008
Rating: T               (or FanFiction.Net's "Rated: Fiction T - English - ..." line)
<story text; chapter headings split chapters; "x Fin x" ends it>

Three other layouts are recognised by their shape and read by their own functions:
- Quire's own TXT and MD downloads (stories.exporters.text / .markdown: a "Title:"
  row under a rule, or a "- **Title:**" list), read back without loss;
- FanFicFare's text output (checked against `fanficfare -f txt 'http://test1.com?sid=1'`):
  the title, "by Author", `Key: value` lines wrapped at 78 columns, "TABLE OF
  CONTENTS", then each chapter's title indented by eight spaces and its text as
  html2text Markdown, ending with "End file.".
"""

import re

from stories.core.rendering import is_scene_break
from stories.importers import fields, quire_text
from stories.importers.base import ChapterDraft, ImportFailed, WorkDraft, check_size, read_text

HEADER_KEYS = {
    "disclaimer": "disclaimer",
    "summary": "summary",
    "summery": "summary",
    "description": "summary",
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
    "posted": "published",
    "updated": "updated",
    "completed": "updated",
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
    "additional tags": "freeforms",
    "genre": "freeforms",
    "genres": "freeforms",
    "warnings": "warnings",
    "warning": "warnings",
    "archive warnings": "warnings",
    "author": "author",
    "authors": "author",
    "creators": "author",
    "by": "author",
    "words": "words",
    "status": "status",
    "category": "categories",
    "categories": "categories",
    "language": "language",
    "series": "series",
    "chapters": "chapters",
}
HEADER_RE = re.compile(r"^\s*(?P<key>[A-Za-z'’/ ]{1,20}?)\s*:\s*(?P<value>.*)$")

NUMBER_WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
]  # fmt: skip
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
SPELLED = rf"(?:(?:{'|'.join(TENS)})(?:[\s-]?(?:{'|'.join(NUMBER_WORDS[1:10])}))?|{'|'.join(NUMBER_WORDS)}|hundred)"
# "Chapter 12 - Title", "Chapter One: Title", "Ch. 3", "Chapter IV", "Part Two",
# "Book 2, Title" (the title after a separator, or after a space when it starts
# with a capital and does not read as a sentence), and the named chapters fan
# writers use without numbers.
HEADING_RE = re.compile(
    rf"""^(?:
        (?P<kind>chapter|chap\.?|ch\.?|part|book|volume|vol\.|arc|act)\s*
        (?P<number>\d+(?:\.\d+)?|{SPELLED}|[ivxlcdm]+)\b
        (?:\s*(?:[:.,\-–—|]|~+)\s*(?P<title>.*?)|\s+(?P<loose>[A-Z"“'‘(\[].*?(?<![.!?"”])))?
      |
        (?P<named>prologue|epilogue|interlude|omake|side\s+story|bonus\s+chapter|extra)
        (?:\s*(?P<named_number>\d+|{SPELLED}|[ivxlcdm]+)\b)?
        (?:\s*(?:[:.,\-–—|]|~+)\s*(?P<named_title>.*?))?
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
HEADING_DECORATION = " \t#*_=~[]"
ENDING_RE = re.compile(r"^\s*(?:[~x*\-=]+\s*)?(?:fin|the\s+end|end)(?:\s*[~x*\-=]+)?\s*[.!]?\s*$", re.IGNORECASE)
NOTE_RE = re.compile(
    r"^\s*[\[(]?\s*(?:\*\*|__)?\s*(?:a\s*/\s*n|author'?s?’?s?\s+notes?|notes?)\s*(?:\*\*|__)?\s*[:\-–—]\s*",
    re.IGNORECASE,
)
DISCLAIMER_LINE_RE = re.compile(r"^\s*[\[(]?\s*(?:\*\*|__)?disclaimer\s*(?:\*\*|__)?\s*[:\-–—]\s*", re.IGNORECASE)
# How many lines without a known key may separate two header lines and still be
# read as the continuation of the first; past this the story has begun.
MAX_CONTINUATION_LINES = 3
# How far below an opening note a separating scene break may be for the lines in
# between to belong to the note (in files with one paragraph per line).
NOTE_BREAK_WINDOW = 6


def header_key(line: str) -> str | None:
    match = HEADER_RE.match(line)
    if not match:
        return None
    return HEADER_KEYS.get(" ".join(match.group("key").lower().split()))


def match_heading(line: str) -> tuple[bool, str]:
    """A chapter heading line -> (True, its title), anything else -> (False, "").

    Numbered headings keep only the text after the number ("Chapter 12 - The Storm"
    -> "The Storm"; Quire numbers chapters itself); "Part", "Book" and named headings
    keep all of it ("Part Two: Winter", "Prologue")."""
    if len(line) > 120:
        return False, ""
    stripped = line.strip().strip(HEADING_DECORATION).strip()
    match = HEADING_RE.match(stripped)
    if not match:
        return False, ""
    if match.group("named"):
        return True, " ".join(stripped.split())
    kind = match.group("kind").lower().rstrip(".")
    title = (match.group("title") or match.group("loose") or "").strip().strip(HEADING_DECORATION).strip()
    if kind in {"chapter", "chap", "ch"}:
        return True, title
    return True, " ".join(stripped.split())


def parse(data: bytes, *, body_format: str = "text") -> WorkDraft:
    """Read a text or Markdown story file into a WorkDraft (layout detected, see the
    module docstring). Raises ImportFailed for an empty file, a file with a title
    but no text, or one that is not text."""
    check_size(data)
    text, repairs = read_text(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if index is None:
        raise ImportFailed("The file is empty.")

    if quire_text.is_quire_text(lines[index:]):
        draft = quire_text.parse_text(lines[index:])
    elif quire_text.is_quire_markdown(lines[index:]):
        draft = quire_text.parse_markdown(lines[index:])
    elif is_fanficfare_text(lines[index:]):
        draft = parse_fanficfare_text(lines[index:])
    else:
        draft = parse_story_text(lines, index, body_format)
    draft.repairs = repairs + draft.repairs
    if not draft.title:
        raise ImportFailed("The file has no title on its first line.")
    if not draft.chapters:
        raise ImportFailed("The file has a title but no story text.")
    return draft


def parse_story_text(lines: list[str], index: int, body_format: str) -> WorkDraft:
    """The FanFiction.Net-style layout (the module docstring) from the title line on."""
    draft = WorkDraft(title=lines[index].strip().lstrip("#").strip().strip("*_").strip())
    start = index + 1
    byline = next((i for i in range(start, min(start + 3, len(lines))) if lines[i].strip()), None)
    if byline is not None and re.match(r"^\s*by\s*:?\s+\S", lines[byline], re.IGNORECASE):
        draft.creators = fields.split_list(re.sub(r"^\s*by\s*:?\s+", "", lines[byline], flags=re.IGNORECASE))
        start = byline + 1
    body_start = _read_header(lines, start, draft)
    _read_body(lines[body_start:], draft, body_format)
    draft.links = fields.find_links(draft.summary, draft.notes)
    fields.suggest_fandoms(draft)
    return draft


def _read_header(lines: list[str], start: int, draft: WorkDraft) -> int:
    """Collect `Key: value` lines; return the index where the story text starts.
    A chapter heading or a scene break ends the header at once, so neither is ever
    read as the continuation of a header value."""
    values: dict[str, list[str]] = {}
    current: str | None = None
    pending: list[str] = []  # unkeyed lines after the current key, not yet known to be header
    body_start = start
    for i in range(start, len(lines)):
        line = lines[i]
        if match_heading(line)[0] or (line.strip() and is_scene_break(line)):
            break
        key = header_key(line)
        if key and key in values and pending:
            break  # a key seen before, after unkeyed lines: those lines were the story (an "A/N:" at its end)
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
    apply_header(values, draft)
    return body_start


def apply_header(values: dict[str, list[str]], draft: WorkDraft) -> None:
    """Header values by key (HEADER_KEYS' values) onto the draft."""

    def joined(key: str, sep: str = "\n") -> str:
        return sep.join(v for v in values.get(key, []) if v).strip()

    draft.disclaimer = joined("disclaimer")
    draft.summary = joined("summary")
    draft.notes = joined("notes")
    rating = joined("rating", " ")
    draft.rating = fields.parse_rating(rating)
    if " - " in rating:
        read_story_line(rating, draft)
    for key, attribute in (("published", "published_on"), ("updated", "updated_on")):
        raw = joined(key, " ")
        if raw:
            value = fields.parse_date(raw, month_first=True)
            setattr(draft, attribute, value or getattr(draft, attribute))
            if value is None and getattr(draft, attribute) is None:
                draft.unread_dates[key] = raw
    draft.fandoms = fields.split_list(joined("fandoms", ","))
    draft.characters = fields.split_list(joined("characters", ",")) or draft.characters
    draft.relationships = fields.split_list(joined("relationships", ",")) or draft.relationships
    draft.freeforms = fields.split_list(joined("freeforms", ",")) or draft.freeforms
    draft.categories = fields.parse_categories(joined("categories", ","))
    draft.language = joined("language", " ") or draft.language
    warnings, other = fields.parse_warnings(joined("warnings", ","))
    draft.warnings = warnings
    draft.freeforms += [w for w in other if w.lower() not in {f.lower() for f in draft.freeforms}]
    if joined("author", " "):
        draft.creators = fields.split_list(joined("author", ","))
    status = joined("status", " ").lower()
    if status in {"complete", "completed", "finished"}:
        draft.is_complete = True
    if joined("series"):
        draft.series = fields.parse_series(joined("series"))


STORY_LINE_KEY_RE = re.compile(r"^(?P<key>[A-Za-z ]+):\s*(?P<value>.+)$")
LANGUAGE_NAMES = {"english", "spanish", "french", "german", "italian", "portuguese", "russian", "japanese", "chinese",
                  "dutch", "polish", "indonesian", "korean", "swedish", "finnish", "norwegian", "danish", "czech",
                  "hungarian", "turkish", "vietnamese", "tagalog", "catalan", "greek", "hebrew", "arabic"}  # fmt: skip
FFN_GENRES = {"adventure", "angst", "crime", "drama", "family", "fantasy", "friendship", "general", "horror", "humor",
              "hurt/comfort", "mystery", "parody", "poetry", "romance", "sci-fi", "spiritual", "supernatural",
              "suspense", "tragedy", "western"}  # fmt: skip


def read_story_line(value: str, draft: WorkDraft) -> None:
    """FanFiction.Net's story line, "Rated: Fiction T - English - Romance/Drama -
    Naruto U., [Hinata H., Sasuke U.] - Chapters: 12 - Words: 50,123 - Updated:
    7/12/2010 - Published: 11/20/2009 - Status: Complete - id: 5" (the keyed parts
    in any order, any of them missing)."""

    for part in [p.strip() for p in value.split(" - ")[1:]]:
        keyed = STORY_LINE_KEY_RE.match(part)
        if keyed:
            key, raw = keyed.group("key").strip().lower(), keyed.group("value").strip()
            if key in {"published", "updated"}:
                date = fields.parse_date(raw, month_first=True)
                if date is None:
                    draft.unread_dates[key] = raw
                setattr(draft, "published_on" if key == "published" else "updated_on", date)
            elif key == "status" and raw.lower().startswith("complete"):
                draft.is_complete = True
            elif key == "chapters" and raw.isdigit():
                draft.expected_chapters = int(raw)
            continue
        lowered = part.lower()
        if lowered in LANGUAGE_NAMES:
            draft.language = fields.parse_language(part)
        elif all(g.strip() in FFN_GENRES for g in lowered.split("/")):
            draft.freeforms += [g for g in part.split("/") if g not in draft.freeforms]
        elif part:
            # Characters, with FanFiction.Net's "[A, B]" brackets for a pairing.
            # Names keep their dots here ("Naruto U."), so they are split by hand.
            for pairing in re.findall(r"\[([^\]]+)\]", part):
                draft.relationships.append("/".join(_names(pairing)))
            draft.characters += [
                c for c in _names(re.sub(r"\]", ",", part.replace("[", ""))) if c not in draft.characters
            ]


def _names(value: str) -> list[str]:
    return [" ".join(name.split()) for name in value.split(",") if name.strip()]


def _read_body(lines: list[str], draft: WorkDraft, body_format: str) -> None:
    """Split the text at chapter headings; the text before the first heading is read
    for the work's notes and disclaimer, and is a chapter of its own when story text
    remains. Each chapter's opening and closing author's notes become its notes."""
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in lines:
        is_heading, title = match_heading(line)
        if is_heading:
            sections.append((title, []))
        else:
            sections[-1][1].append(line)
    lead = sections.pop(0)[1]
    multi = bool(sections)
    chapters: list[ChapterDraft] = []
    lead_chapter = _chapter_from_lines(lead, body_format, title="")
    if lead_chapter is not None:
        if multi:
            draft.notes = "\n\n".join(p for p in (draft.notes, lead_chapter.notes) if p)
            draft.disclaimer = draft.disclaimer or lead_chapter.summary
            lead_chapter.notes = lead_chapter.summary = ""
            if lead_chapter.end_notes and not lead_chapter.body.strip():
                draft.notes = "\n\n".join(p for p in (draft.notes, lead_chapter.end_notes) if p)
        if lead_chapter.body.strip():
            chapters.append(lead_chapter)
    for title, body in sections:
        chapter = _chapter_from_lines(body, body_format, title=title or "")
        if chapter is not None and (chapter.body.strip() or chapter.notes or chapter.end_notes):
            chapters.append(chapter)
    if not chapters or not any(c.body.strip() for c in chapters):
        raise ImportFailed("The file has a title but no story text.")
    if not multi:
        # One chapter: its notes are the work's (as the post form shows them).
        only = chapters[0]
        draft.notes = "\n\n".join(p for p in (draft.notes, only.notes) if p)
        draft.end_notes = only.end_notes
        draft.disclaimer = draft.disclaimer or only.summary
        only.notes = only.end_notes = only.summary = ""
    for chapter in chapters:
        if chapter.summary:  # a chapter's own disclaimer is kept with its notes
            chapter.notes = "\n\n".join(p for p in (chapter.summary, chapter.notes) if p)
            chapter.summary = ""
    last_line = next((line for line in reversed(chapters[-1].body.split("\n")) if line.strip()), "")
    if ENDING_RE.match(last_line):
        draft.is_complete = True
    draft.chapters = chapters
    if draft.is_complete:
        draft.expected_chapters = len(chapters)


def _paragraphs(lines: list[str]) -> tuple[list[list[str]], bool]:
    """Lines -> (paragraphs as lists of lines, whether blank lines separate them)."""
    has_blank = any(not line.strip() for line in lines[1:-1]) if len(lines) > 2 else False
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if not line.strip():
            if current:
                paragraphs.append(current)
                current = []
        elif has_blank:
            current.append(line)
        else:
            paragraphs.append([line])
    if current:
        paragraphs.append(current)
    return paragraphs, has_blank


def _strip_label(paragraph: list[str], pattern: re.Pattern) -> str:
    first = pattern.sub("", paragraph[0], count=1).strip()
    text = "\n".join([first, *(line.strip() for line in paragraph[1:])]).strip()
    return text.rstrip(")]").strip() if paragraph[0].lstrip()[:1] in "([" else text


def _chapter_from_lines(lines: list[str], body_format: str, *, title: str) -> ChapterDraft | None:
    """A chapter's lines -> ChapterDraft with its opening notes (and disclaimer, kept
    in `summary` for the caller to place) and closing notes taken out of the text."""
    paragraphs, has_blank = _paragraphs(lines)
    if not paragraphs:
        return None
    notes: list[str] = []
    disclaimers: list[str] = []
    end_notes: list[str] = []
    while paragraphs:
        first = paragraphs[0]
        if NOTE_RE.match(first[0]):
            taken = 1
            if not has_blank:
                window = paragraphs[1 : 1 + NOTE_BREAK_WINDOW]
                found = next((i for i, p in enumerate(window) if is_scene_break(p[0])), None)
                if found is not None and not any(match_heading(p[0])[0] for p in window[:found]):
                    taken = found + 1
            notes.append("\n".join(_strip_label(p, NOTE_RE) if i == 0 else p[0].strip()
                                   for i, p in enumerate(paragraphs[:taken])))  # fmt: skip
            paragraphs = paragraphs[taken:]
        elif DISCLAIMER_LINE_RE.match(first[0]):
            disclaimers.append(_strip_label(first, DISCLAIMER_LINE_RE))
            paragraphs = paragraphs[1:]
        else:
            break
        if paragraphs and is_scene_break(paragraphs[0][0]):
            paragraphs = paragraphs[1:]  # the break that set the note apart
    while paragraphs and NOTE_RE.match(paragraphs[-1][0]) and len(paragraphs) > 1:
        end_notes.insert(0, _strip_label(paragraphs.pop(), NOTE_RE))
        if paragraphs and is_scene_break(paragraphs[-1][0]):
            paragraphs.pop()
    separator = "\n\n" if has_blank else "\n"
    body = separator.join("\n".join(p) for p in paragraphs).strip("\n")
    return ChapterDraft(
        body=body,
        body_format=body_format,
        title=title[:255],
        notes="\n\n".join(notes),
        end_notes="\n\n".join(end_notes),
        summary="\n".join(disclaimers),
    )


# --- FanFicFare's text output --------------------------------------------------


def is_fanficfare_text(lines: list[str]) -> bool:
    stripped = [line.strip() for line in lines]
    return (
        "TABLE OF CONTENTS" in stripped
        and "End file." in stripped[-10:]
        and any(line.startswith("by ") for line in stripped[:4])
    )


def parse_fanficfare_text(lines: list[str]) -> WorkDraft:
    """FanFicFare's text layout (module docstring): the header's wrapped lines are
    joined back, chapter titles come from the contents list, and each chapter's text
    (html2text output) is kept as Markdown."""
    stripped = [line.strip() for line in lines]
    draft = WorkDraft(title=stripped[0])
    byline = next(i for i, line in enumerate(stripped[:4]) if line.startswith("by "))
    draft.creators = fields.split_list(stripped[byline][3:])
    contents = stripped.index("TABLE OF CONTENTS")
    values: dict[str, list[str]] = {}
    current = None
    for line in lines[byline + 1 : contents]:
        keyed = HEADER_RE.match(line)
        key = " ".join(keyed.group("key").lower().split()) if keyed else ""
        if keyed and key in FANFICFARE_KEYS:
            current = FANFICFARE_KEYS[key]
            values.setdefault(current, []).append(keyed.group("value").strip())
        elif current == "summary":
            values[current].append(line.strip())  # keeps the blank lines between paragraphs
        elif current and line.strip():
            values[current][-1] += " " + line.strip()
    summary = values.pop("summary", [])
    apply_header(values, draft)
    paragraphs = re.split(r"\n\s*\n", "\n".join(summary))
    draft.summary = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
    if values.get("chapters") and values["chapters"][0].isdigit() and draft.is_complete:
        draft.expected_chapters = int(values["chapters"][0])
    # The contents list: one title per non-empty line until the first indented heading.
    first_heading = next((i for i in range(contents + 1, len(lines)) if lines[i].startswith("        ")), None)
    if first_heading is None:
        return draft  # no chapter at all: parse() says so
    titles = [line for line in stripped[contents + 1 : first_heading] if line]
    starts: list[int] = []
    position = first_heading
    for _ in titles:
        while position < len(lines) and not lines[position].startswith("        "):
            position += 1
        if position >= len(lines):
            break
        starts.append(position)
        position += 1
        while position < len(lines) and lines[position].strip():  # a wrapped heading
            position += 1

    end = max(i for i, line in enumerate(stripped) if line == "End file.")
    for n, start in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else end
        heading_end = start
        while heading_end < stop and lines[heading_end].strip():
            heading_end += 1
        body = "\n".join(lines[heading_end:stop]).strip("\n")
        if body.strip():
            draft.chapters.append(
                ChapterDraft(body=body, body_format="markdown", title=fields.chapter_title(titles[n])[:255])
            )
    draft.links = fields.find_links(draft.summary)
    return draft


FANFICFARE_KEYS = {
    "series": "series",
    "category": "fandoms",
    "genre": "freeforms",
    "characters": "characters",
    "relationships": "relationships",
    "status": "status",
    "published": "published",
    "updated": "updated",
    "rating": "rating",
    "warnings": "warnings",
    "chapters": "chapters",
    "language": "language",
    "summary": "summary",
    "packaged": "packaged",
    "words": "words",
    "publisher": "publisher",
    "story url": "story url",
    "author url": "author url",
    "series url": "series url",
}
