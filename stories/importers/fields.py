"""Metadata values that several input formats write the same way, read once here:
ratings, archive warnings and categories in every spelling (stories/works/vocabulary.toml),
comma lists, dates, language names, chapter headings, series lines, the fandom a
disclaimer names, sequel and work links and Quire's own plain-text chapter bodies. Pure functions over strings
(and a WorkDraft), shared by the html, text and quire_text importers."""

import datetime
import html
import re

from stories.core.rendering import is_scene_break
from stories.importers.base import LinkDraft, WorkDraft
from stories.works import vocabulary

LANGUAGES = {
    "english": "en", "español": "es", "spanish": "es", "deutsch": "de", "german": "de", "français": "fr",
    "french": "fr", "italiano": "it", "italian": "it", "português": "pt", "português brasileiro": "pt-BR",
    "portuguese": "pt", "русский": "ru", "russian": "ru", "polski": "pl", "polish": "pl", "nederlands": "nl",
    "dutch": "nl", "日本語": "ja", "japanese": "ja", "中文": "zh", "中文-普通话 國語": "zh", "chinese": "zh",
    "한국어": "ko", "korean": "ko", "suomi": "fi", "svenska": "sv", "norsk": "no", "dansk": "da",
    "čeština": "cs", "magyar": "hu", "türkçe": "tr", "tiếng việt": "vi", "bahasa indonesia": "id",
}  # fmt: skip
LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
CHAPTER_PREFIX_RE = re.compile(r"^\s*(?:chapter\s+)?(?:\d+|[ivxlc]+)\s*(?:[:.,\-–—]\s*|$)", re.IGNORECASE)
SERIES_PART_RE = re.compile(r"^part\s+(?P<n>\d+)\s+of\s+(?P<title>.+)$", re.IGNORECASE)
SERIES_BRACKET_RE = re.compile(r"^(?P<title>.+?)\s*\[(?P<n>\d+)\]$")
# "I don't own Naruto", "I do not own Harry Potter or its characters", "Bleach
# belongs to Tite Kubo", "the characters from Masashi Kishimoto's Naruto".
_NAME = r"(?P<name>[A-Z0-9][\w'’&.:-]*(?:\s+(?:of|the|and|no|to|in|&|[A-Z0-9][\w'’&.:-]*))*)"
DISCLAIMER_FANDOM_RES = [
    re.compile(rf"\b(?:don'?t|don’t|do\s+not|doesn'?t|does\s+not|never|won'?t)\s+own\s+(?:the\s+)?{_NAME}"),
    re.compile(rf"{_NAME}\s+(?:belongs?|is\s+owned\s+by|are\s+owned\s+by|is\s+the\s+property|is\s+©)"),
    re.compile(rf"\b[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*['’]s\s+{_NAME}"),
]
NOT_FANDOMS = {"i", "it", "anything", "any", "this", "these", "them", "nothing", "the", "a", "an"}


def parse_language(value: str) -> str:
    value = " ".join(value.split())
    if LANGUAGE_CODE_RE.match(value):
        return value
    return LANGUAGES.get(value.lower(), "")


def chapter_title(heading: str) -> str:
    """ "Chapter 2: The Storm" -> "The Storm"; "Chapter 7" -> "" (Quire numbers chapters)."""
    heading = " ".join(heading.split())
    return CHAPTER_PREFIX_RE.sub("", heading, count=1).strip()


def parse_series(value: str) -> list[tuple[str, int | None]]:
    """AO3 "Part 2 of Title" / FanFicFare "Title [2]" -> [(title, 2)]."""
    found = []
    for line in re.split(r"\n|\s+(?=Part\s+\d+\s+of\s)", value, flags=re.IGNORECASE):
        # AO3 separates several series with commas, which stay behind the names.
        line = " ".join(line.split()).strip(" ,;")
        if not line:
            continue
        match = SERIES_PART_RE.match(line) or SERIES_BRACKET_RE.match(line)
        if match:
            found.append((match.group("title").strip()[:255], int(match.group("n"))))
        else:
            found.append((line[:255], None))
    return found


def suggest_fandoms(draft: WorkDraft) -> None:
    """Fandoms named in the disclaimer or in opening notes ("I don't own Naruto")
    are offered on the draft (`fandom_suggestions`), never applied as tags."""
    texts = [draft.disclaimer, draft.notes] + [c.notes for c in draft.chapters[:1]]
    found: list[str] = []
    known = {f.lower() for f in draft.fandoms}
    for text in texts:
        for pattern in DISCLAIMER_FANDOM_RES:
            for match in pattern.finditer(text or ""):
                name = re.split(r"[.!?]\s", match.group("name"))[0]  # a sentence ends the name
                name = re.sub(r"(?:\s+(?:of|the|and|no|to|in|&))+$", "", name).strip(" .:-")
                if name.lower() in NOT_FANDOMS or not name or name.lower() in known:
                    continue
                if name.lower() not in {f.lower() for f in found}:
                    found.append(name)
    draft.fandom_suggestions = found[:5]


def link_from_text(kind: str, value: str) -> LinkDraft | None:
    """'"Title" by Author <https://...>' (the exporters' link rows) -> LinkDraft."""
    match = re.match(r'^"(?P<title>.*)"(?:\s+by\s+(?P<author>[^<]+?))?(?:\s*<(?P<url>[^>]+)>)?$', value.strip())
    if match is None:
        return LinkDraft(kind=kind, title=value.strip()) if value.strip() else None
    return LinkDraft(
        kind=kind,
        title=match.group("title"),
        author=(match.group("author") or "").strip(),
        url=match.group("url") or "",
    )


def text_to_html(text: str) -> str:
    """Quire's TXT download body -> HTML: paragraphs split at blank lines, lines kept
    with <br>, "* * *" rules, _emphasis_, *strong* and [text](https://…) links as the
    exporter writes them (stories.exporters.common.html_to_text)."""
    parts = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and is_scene_break(lines[0]):
            parts.append("<hr>")
            continue
        parts.append("<p>" + "<br>\n".join(_inline(line) for line in lines) + "</p>")
    return "\n".join(parts)


# The target is as stories.exporters.common.link_target writes it: bare, with
# brackets that pair up, or in angle brackets.
TEXT_LINK_RE = re.compile(
    r"\[(?P<text>[^\[\]]+)\]\((?:<(?P<angled>(?:https?|mailto):[^<>]*)>|(?P<url>(?:https?|mailto):"
    r"(?:[^\s()<>]|\([^\s()<>]*\))+))\)",
    re.IGNORECASE,
)


def _inline(line: str) -> str:
    # Links first, each held by a placeholder, so that an underscore in a URL is
    # never read as emphasis and emphasis may still span a link.
    links: list[tuple[str, str]] = []

    def hold(match: re.Match) -> str:
        links.append((match.group("text"), match.group("angled") or match.group("url")))
        return f"\x00{len(links) - 1}\x00"

    def link(match: re.Match) -> str:
        text, url = links[int(match.group(1))]
        return f'<a href="{html.escape(url)}">{_emphasis(html.escape(text, quote=False))}</a>'

    return re.sub(r"\x00(\d+)\x00", link, _emphasis(html.escape(TEXT_LINK_RE.sub(hold, line), quote=False)))


def _emphasis(escaped: str) -> str:
    escaped = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"<strong>\1</strong>", escaped)
    return re.sub(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])", r"<em>\1</em>", escaped)


# --- ratings, archive warnings, categories, lists and dates ----------------------

RATING_ALIASES = vocabulary.spellings(vocabulary.RATINGS)
RATING_PREFIX_RE = re.compile(r"^(?:(?:fiction\s+)?rat(?:ed|ing)\s*:?\s*)?(?:fiction\s+)?", re.IGNORECASE)


def parse_rating(value: str) -> str:
    """A rating as FanFiction.Net, its mirrors, AO3 and older archives write it ->
    a Rating value, "" if unknown. Takes "Fiction K+", "Rated: Fiction T",
    "Rated: T - English - Romance - Words: 1,234" (FFN's story line), "K+", "MA",
    "Teen And Up Audiences", "PG-13" (MPAA letters as AO3's wranglers map them)."""
    key = " ".join(value.strip().lower().split())
    key = RATING_PREFIX_RE.sub("", key, count=1)
    key = re.split(r"\s+-\s+|[,;(]|\s+for\s+", key, maxsplit=1)[0].strip(" .:")
    return RATING_ALIASES.get(key, "")


WARNING_ALIASES = vocabulary.spellings(vocabulary.WARNINGS)


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


CATEGORY_ALIASES = vocabulary.spellings(vocabulary.CATEGORIES)


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


MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month_name>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})"
_YEAR = r"(?P<year>\d{4}|\d{2})"
DATE_PATTERNS = [
    re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?:[T ].*)?$"),  # ISO, with a time
    re.compile(rf"^(?P<a>\d{{1,2}})(?P<sep>[/.-])(?P<b>\d{{1,2}})(?P=sep){_YEAR}$"),  # numeric, see parse_date
    re.compile(rf"^{_DAY}[\s-]+{_MONTH}[\s,-]+{_YEAR}$"),  # 12 July 2010, 12-Jul-10
    re.compile(rf"^{_MONTH}\s+{_DAY},?\s+{_YEAR}$"),  # July 12, 2010
]


def parse_date(value: str, *, month_first: bool = True) -> datetime.date | None:
    """A date as story sites write it -> a date, or None when it cannot be read.

    Reads ISO dates (with or without a time), "12 July 2010", "July 12th, 2010",
    "Jul 12 2010", "Monday, July 12, 2010" and numeric dates. The rule for numeric
    dates: a part above 12 is the day; when both could be the month, `month_first`
    decides, and it is True by default because FanFiction.Net and its mirrors write
    month/day/year ("7/12/2010" is 12 July). Dotted dates ("12.07.2010") are
    European, day first. Two-digit years: 70-99 -> 19xx, else 20xx."""
    value = " ".join(value.strip().rstrip(".").split())
    value = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", value, flags=re.IGNORECASE)
    value = re.sub(r"^[A-Za-z]+day,?\s+", "", value)  # a weekday in front
    for pattern in DATE_PATTERNS:
        match = pattern.match(value)
        if match is None:
            continue
        parts = match.groupdict()
        year = int(parts["year"])
        if len(parts["year"]) == 2:
            year += 1900 if year >= 70 else 2000
        if parts.get("month_name"):
            month = MONTHS.get(parts["month_name"].lower())
            day = int(parts["day"])
        elif parts.get("a"):
            first, second = int(parts["a"]), int(parts["b"])
            day_first = parts["sep"] == "." or first > 12 or (second <= 12 and not month_first)
            day, month = (first, second) if day_first else (second, first)
        else:
            month, day = int(parts["month"]), int(parts["day"])
        try:
            return datetime.date(year, month, day) if month and 1800 < year < 2200 else None
        except ValueError:
            return None
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
