"""Metadata values that several input formats write the same way, read once here:
language names, chapter headings, series lines, the fandom a disclaimer names,
work links and Quire's own plain-text chapter bodies. Pure functions over strings
(and a WorkDraft), shared by the html, text and quire_text importers."""

import html
import re

from stories.core.rendering import is_scene_break
from stories.importers.base import LinkDraft, WorkDraft

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
