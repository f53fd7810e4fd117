"""The value every importer returns, and the checks every importer shares."""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings


class ImportFailed(ValueError):
    """A file could not be imported. The message is shown to the author as it is."""


@dataclass
class ChapterDraft:
    body: str
    body_format: str = "text"  # markdown / text / html
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""


@dataclass
class LinkDraft:
    kind: str  # a WorkLink.Kind value
    title: str
    author: str = ""
    url: str = ""


@dataclass
class WorkDraft:
    """A work as read from a file, before anything is saved. Ratings and warnings
    are model choice values ("teen", "none"); tags are plain names by kind."""

    title: str = ""
    creators: list[str] = field(default_factory=list)
    summary: str = ""
    disclaimer: str = ""
    notes: str = ""
    end_notes: str = ""
    rating: str = ""
    warnings: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    freeforms: list[str] = field(default_factory=list)
    language: str = ""
    published_on: datetime.date | None = None
    updated_on: datetime.date | None = None
    is_complete: bool = False
    expected_chapters: int | None = None
    chapters: list[ChapterDraft] = field(default_factory=list)
    links: list[LinkDraft] = field(default_factory=list)
    series: list[tuple[str, int | None]] = field(default_factory=list)  # (series title, part number)
    source_url: str = ""


def max_upload_bytes() -> int:
    return settings.QUIRE_MAX_UPLOAD_MB * 1024 * 1024


def check_size(data: bytes) -> None:
    if not data or not data.strip():
        raise ImportFailed("The file is empty.")
    if len(data) > max_upload_bytes():
        raise ImportFailed(f"The file is larger than the {settings.QUIRE_MAX_UPLOAD_MB} MB limit.")


CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252; anything
    else, including binary data, is refused with a message."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFailed("The file says it is UTF-16 but is not valid UTF-16.") from None
    elif b"\x00" in data[:8192]:
        raise ImportFailed("This looks like a binary file, not text. Upload .txt, .md, .html or .epub.")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise ImportFailed(
                    "The text encoding is not one Quire reads (UTF-8, UTF-16 with BOM, or Windows-1252)."
                ) from None
    sample = text[:20000]
    if sample and len(CONTROL_RE.findall(sample)) > max(3, len(sample) // 200):
        raise ImportFailed("This looks like a binary file, not text. Upload .txt, .md, .html or .epub.")
    return text


# --- shared parsing of metadata values -------------------------------------------

RATING_ALIASES = {
    "k": "general", "k+": "general", "g": "general", "general": "general", "general audiences": "general",
    "t": "teen", "teen": "teen", "teen and up": "teen", "teen and up audiences": "teen",
    "m": "mature", "mature": "mature",
    "ma": "explicit", "e": "explicit", "explicit": "explicit",
    "not rated": "not_rated", "nr": "not_rated", "unrated": "not_rated",
}  # fmt: skip


def parse_rating(value: str) -> str:
    """FanFiction.Net letters, AO3 names and initials -> a Rating value ("" if unknown)."""
    key = re.sub(r"\s+", " ", value.strip().lower().removeprefix("fiction rated:").strip())
    key = key.removeprefix("rated:").strip().removeprefix("rated").strip()
    return RATING_ALIASES.get(key, "")


WARNING_ALIASES = {
    "creator chose not to use archive warnings": "no_choice",
    "choose not to use archive warnings": "no_choice",
    "graphic depictions of violence": "violence",
    "major character death": "death",
    "no archive warnings apply": "none",
    "rape/non-con": "noncon",
    "underage": "underage",
    "underage sex": "underage",
}


def parse_warnings(value: str) -> tuple[list[str], list[str]]:
    """Returns (archive warning values, leftover phrases that are not archive warnings)."""
    found, other = [], []
    for part in split_list(value):
        code = WARNING_ALIASES.get(part.lower())
        if code and code not in found:
            found.append(code)
        elif not code:
            other.append(part)
    return found, other


CATEGORY_ALIASES = {
    "f/f": "ff",
    "f/m": "fm",
    "m/f": "fm",
    "gen": "gen",
    "m/m": "mm",
    "multi": "multi",
    "other": "other",
}


def parse_categories(value: str) -> list[str]:
    return [CATEGORY_ALIASES[p.lower()] for p in split_list(value) if p.lower() in CATEGORY_ALIASES]


def split_list(value: str) -> list[str]:
    """ "A, B, C" -> ["A", "B", "C"]; empty parts dropped, order and first spelling kept."""
    seen, items = set(), []
    for part in re.split(r"[,\n]", value):
        part = " ".join(part.split()).strip(" .;")
        if part and part.lower() not in seen:
            seen.add(part.lower())
            items.append(part)
    return items


DATE_FORMATS = [
    "%d %B %Y",
    "%B %d, %Y",
    "%B %d %Y",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
]


def parse_date(value: str) -> datetime.date | None:
    value = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", value.strip().rstrip("."))
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


SEQUEL_RE = re.compile(
    r"\b(?P<kind>sequel|prequel)\s+(?:to|of)\s+(?:['\"“‘](?P<quoted>[^'\"”’]+)['\"”’]|(?P<bare>[A-Z][^.,;!?\n]*))",
    re.IGNORECASE,
)


def find_links(*texts: str) -> list[LinkDraft]:
    """ "Sequel to 'X'" / "Prequel to "X"" anywhere in summary or notes -> links."""
    links: list[LinkDraft] = []
    for text in texts:
        for match in SEQUEL_RE.finditer(text or ""):
            title = (match.group("quoted") or match.group("bare") or "").strip()
            kind = "sequel_of" if match.group("kind").lower() == "sequel" else "prequel_of"
            if title and not any(link.kind == kind and link.title.lower() == title.lower() for link in links):
                links.append(LinkDraft(kind=kind, title=title))
    return links
