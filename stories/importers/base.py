"""The value every importer returns, and the checks every importer shares."""

import datetime
import re
from dataclasses import dataclass, field

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)
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
    # What the review form must show the author before posting (none of it is saved as is):
    # text repaired on the way in ("donâ€™t" -> "don’t"), one line per kind of repair;
    repairs: list[str] = field(default_factory=list)
    # header dates that could not be read, {"published": "the raw value"}: the form
    # asks for them instead of silently using the import day;
    unread_dates: dict[str, str] = field(default_factory=dict)
    # fandoms named only in a disclaimer ("I don't own Naruto"), offered, not applied.
    fandom_suggestions: list[str] = field(default_factory=list)


DATE_LABELS = {"published": "published", "updated": "last updated"}


def review_messages(draft: WorkDraft) -> list[str]:
    """What the review form must tell the author about an imported file, one
    sentence each: the repairs made to its text, the dates that could not be read
    (so the form asks for them rather than using today), and fandoms offered from
    a disclaimer. Empty when there is nothing to say."""
    messages = list(draft.repairs)
    for key, raw in draft.unread_dates.items():
        messages.append(
            f'The {DATE_LABELS.get(key, key)} date "{raw}" could not be read; enter it below '
            "(numeric dates are read month first, as FanFiction.Net writes them)."
        )
    if draft.fandom_suggestions:
        names = ", ".join(draft.fandom_suggestions)
        messages.append(f"The disclaimer names {names}: add it to the fandoms if that is the work's fandom.")
    return messages


def max_upload_bytes() -> int:
    return settings.QUIRE_MAX_UPLOAD_MB * 1024 * 1024


def check_size(data: bytes) -> None:
    if not data or not data.strip():
        raise ImportFailed("The file is empty.")
    if len(data) > max_upload_bytes():
        raise ImportFailed(f"The file is larger than the {settings.QUIRE_MAX_UPLOAD_MB} MB limit.")


CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# The controls the post form drops (works.rules.CONTROL_RE, C0 part): the review
# drops them too, and says so, so that what the author checks is what posts.
DROPPED_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
C1_RE = re.compile(r"[\x80-\x9f]")
BINARY_MESSAGE = "This looks like a binary file, not text. Upload .txt, .md, .html or .epub."


def decode_text(data: bytes) -> str:
    """The file's text (see read_text); what was repaired is dropped."""
    return read_text(data)[0]


def read_text(data: bytes) -> tuple[str, list[str]]:
    """Bytes -> (text, repairs). UTF-8 (with or without BOM), UTF-16 with a BOM or
    without one (told by its zero bytes, see utf16_without_bom), Windows-1252, and
    UTF-8 with stray Windows-1252 bytes are read; mojibake ("donâ€™t") is repaired
    with ftfy; a few control characters (NUL...) anywhere in the file are dropped.
    `repairs` says in words what was changed, for the review form. Binary data
    (control characters all through it) and undecodable UTF-16 raise ImportFailed."""
    repairs: list[str] = []
    legacy = False
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFailed("The file says it is UTF-16 but is not valid UTF-16.") from None
    elif encoding := utf16_without_bom(data):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise ImportFailed(
                "The file looks like UTF-16 text without a byte-order mark, but it is not valid UTF-16. "
                "Save it again as UTF-8."
            ) from None
    elif b"\x00" in data[:8192]:
        raise ImportFailed(BINARY_MESSAGE)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Windows-1252 as browsers read it (every byte decodes); ftfy then puts back
            # the UTF-8 sequences of a file that mixes both encodings.
            text = data.removeprefix(b"\xef\xbb\xbf").decode("sloppy-windows-1252")
            legacy = True
            if _looks_mixed(data):
                repairs.append("Some characters were saved in two different encodings (UTF-8 and Windows-1252).")
    # The whole text is checked, a stretch at a time, not only its start: a file may
    # turn binary after its first pages.
    for start in range(0, len(text), 20000):
        stretch = text[start : start + 20000]
        if len(CONTROL_RE.findall(stretch)) > max(3, len(stretch) // 200):
            raise ImportFailed(BINARY_MESSAGE)
    text, dropped = DROPPED_CONTROL_RE.subn("", text)
    if dropped:
        noun = "character" if dropped == 1 else "characters"
        repairs.append(
            f"Removed {dropped} invisible control {noun} (such as NUL) that a web page cannot show or store."
        )
    text, fixed = repair_mojibake(text)
    if legacy and C1_RE.search(text):
        # Bytes that are neither UTF-8 nor defined in Windows-1252 (0x81, 0x8D, 0x8F,
        # 0x90, 0x9D on their own): some other encoding, which Quire would misread.
        raise ImportFailed("The text encoding is not one Quire reads (UTF-8, UTF-16 or Windows-1252).") from None
    return text, repairs + fixed


def utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when the bytes read as UTF-16 text that lacks its
    byte-order mark, else None. Text in a Latin script has a zero in every other
    byte in UTF-16 (the high byte of each character) and almost never in the others;
    the side the zeros fall on gives the byte order. Scripts with no zero bytes in
    UTF-16 (CJK) cannot be told this way and are not guessed."""
    sample = data[:8192]
    sample = sample[: len(sample) // 2 * 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.4 * pairs and even <= 0.05 * pairs + 1:
        return "utf-16-le"
    if even >= 0.4 * pairs and odd <= 0.05 * pairs + 1:
        return "utf-16-be"
    return None


def _looks_mixed(data: bytes) -> bool:
    """True when the bytes hold at least one well-formed multi-byte UTF-8 sequence."""
    return re.search(rb"[\xc2-\xf4][\x80-\xbf]+", data) is not None and _valid_utf8_run(data)


def _valid_utf8_run(data: bytes) -> bool:
    for match in re.finditer(rb"[\xc2-\xf4][\x80-\xbf]+", data):
        try:
            match.group().decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    return False


# ftfy's defaults also straighten curly quotes, fold full-width letters and split
# ligatures: those are the author's typography, not damage, so they stay.
FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    fix_line_breaks=False,
    normalization=None,
    explain=False,
)


def repair_mojibake(text: str) -> tuple[str, list[str]]:
    """Text -> (repaired text, repairs). Lines garbled by a wrong decoding
    ("donâ€™t", "cafÃ©") are repaired by ftfy; each repair kind is described once with
    its first example, e.g. 'Repaired 2 garbled passages, e.g. "donâ€™t" -> "don’t".'"""
    lines = text.split("\n")
    changed: list[tuple[str, str]] = []
    for index, line in enumerate(lines):
        if line.isascii():
            continue
        fixed = ftfy.fix_text(line, FTFY_CONFIG)
        if fixed != line:
            changed.append((line, fixed))
            lines[index] = fixed
    if not changed:
        return text, []
    before, after = _first_difference(*changed[0])
    count = len(changed)
    passage = "passage" if count == 1 else "passages"
    return "\n".join(lines), [f'Repaired {count} garbled {passage} of text, e.g. "{before}" -> "{after}".']


def _first_difference(before: str, after: str) -> tuple[str, str]:
    """The first word (or short stretch) that differs between two versions of a line."""
    old_words, new_words = before.split(), after.split()
    for old, new in zip(old_words, new_words, strict=False):
        if old != new:
            return old[:40], new[:40]
    return before[:40], after[:40]
