"""Author text -> sanitised HTML, and word counts.

Everything a reader sees of an author's writing passes through `sanitise()`:
no script, no event handlers, no style attributes, only http(s)/mailto links.

Rendering is bounded (core.limits): text nested too deep, or too slow to convert,
raises LimitExceeded from `render_checked()` (the forms show its message), while
`render()` and `render_inline_markdown()`, used when saving, never take longer than
the budget and never raise: such text is shown as plain paragraphs, and logged.
"""

import functools
import html
import logging
import re
import threading
import unicodedata
from collections import OrderedDict

import markdown
import nh3

from stories.core.limits import LimitExceeded, html_depth_problem, markdown_problem, text_seconds, time_limit

logger = logging.getLogger(__name__)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "del", "details", "dd", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start", "reversed"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "*": {"lang", "dir", "id"},
}
# Ids inside a work (footnotes, in-text anchors) are kept, moved into a namespace of
# their own so they cannot clash with the page's ids ("content", "main"...); links
# to them ("#fn1") are rewritten the same way. Characters an XHTML id in an EPUB
# does not like (":" in Markdown's "fn:1") become "-".
ID_PREFIX = "q-"
ID_UNSAFE_RE = re.compile(r"[^A-Za-z0-9_.-]")
URL_SCHEMES = {"http", "https", "mailto"}

# A scene break is a line made only of ornaments: one repeated ("-----" of any
# length, "⁂", "❦❦❦", "~~~", "#") or a small group of them ("* * *", "~*~*~",
# "=-=-=", "oOo", "xXxXx"), centred with spaces or not. Ornaments are Unicode
# punctuation and symbols, plus the letters x and o in runs ("xxxxxxxxxx", "oOo";
# "xxx" signs a note off with kisses and "ooo" is a sound, so neither is a break). Sentence punctuation
# on its own ("...", "?!", a lone quote) is dialogue, not a break.
NOT_ORNAMENTS = set(".…?!,;:'\"“”‘’«»()[]{}¿¡")
ORNAMENT_LETTERS = set("xXoO0")
WORD_RE = re.compile(r"[\w'’-]+", re.UNICODE)
TAG_RE = re.compile(r"<[^>]+>")


def sanitise(raw_html: str) -> str:
    """Keep the markup a story needs; drop everything that could run or restyle the page.

    Ids survive with ID_PREFIX in front (idempotent: an id already prefixed is kept),
    and same-page links ("#fn1") follow them; old-style `<a name="x">` anchors become
    ids first."""
    return _cleaner().clean(NAME_ANCHOR_RE.sub(_name_to_id, raw_html))


@functools.cache
def _cleaner() -> nh3.Cleaner:
    """sanitise()'s nh3 cleaner, built once per process (nh3.clean would rebuild its
    rules on every call). HTML comments are dropped, nh3's default."""
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_filter_attribute,
    )


NAME_ANCHOR_RE = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
NAME_ATTR_RE = re.compile(r"\sname\s*=", re.IGNORECASE)


def _name_to_id(match: re.Match) -> str:
    tag = match.group()
    if re.search(r"\sid\s*=", tag, re.IGNORECASE):
        return tag
    return NAME_ATTR_RE.sub(" id=", tag, count=1)


def prefixed_id(value: str) -> str:
    """ "fn1" -> "q-fn1"; "fn:1" -> "q-fn-1"; "q-fn1" stays as it is."""
    value = ID_UNSAFE_RE.sub("-", value.strip())
    return value if value.startswith(ID_PREFIX) else ID_PREFIX + value


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return prefixed_id(value) if value.strip() else None
    if attribute == "href" and value.startswith("#"):
        return "#" + prefixed_id(value[1:]) if len(value) > 1 else None
    return value


def is_scene_break(line: str) -> bool:
    """True when the line is only ornaments (see the rule above ORNAMENT_LETTERS)."""
    compact = "".join(line.split())
    if not compact or NOT_ORNAMENTS.issuperset(compact):
        return False
    letters = [c for c in compact if c in ORNAMENT_LETTERS]
    for char in compact:
        if char in ORNAMENT_LETTERS:
            continue
        if char in NOT_ORNAMENTS:
            return False
        if unicodedata.category(char)[0] not in "PS":
            return False
    if letters:
        # x/o count only in runs: mixed ("oOo", "xXx") from three, one letter repeated
        # from four ("xxx" signs off a note with kisses; "ooo" is a sound).
        if len(set(compact)) == 1:
            return len(compact) >= 4 and compact[0] in "xX"
        return len(compact) >= 3
    return True


def render_markdown(text: str, *, keep_line_breaks: bool = False) -> str:
    # Scene-break ornaments are normalised to a Markdown rule first, so "xXxXx" becomes <hr>.
    lines = [
        "\n* * *\n" if is_scene_break(line) and line.strip() not in {"*", "-", "+"} else line
        for line in text.splitlines()
    ]
    return sanitise(_markdown(keep_line_breaks).convert("\n".join(lines)))


_converters = threading.local()


def _markdown(keep_line_breaks: bool) -> markdown.Markdown:
    """This thread's Markdown converter (extra, sane_lists, smarty; nl2br when line
    breaks are kept), reset for a new document. Building one costs 1.5–3 ms, so each
    thread keeps its two."""
    key = "with_breaks" if keep_line_breaks else "plain"
    converter = getattr(_converters, key, None)
    if converter is None:
        extensions = ["extra", "sane_lists", "smarty"] + (["nl2br"] if keep_line_breaks else [])
        converter = markdown.Markdown(extensions=extensions, output_format="html")
        setattr(_converters, key, converter)
    return converter.reset()


def render_text(text: str) -> str:
    """Plain text: paragraphs are separated by blank lines, or one per line when the
    text has no blank lines at all (FanFiction.Net copies). Ornament lines become <hr>."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    has_blank_separators = any(not line.strip() for line in lines[1:-1])
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if is_scene_break(line):
            if current:
                blocks.append(current)
                current = []
            blocks.append(["<hr>"])
        elif not line.strip():
            if current:
                blocks.append(current)
                current = []
        elif has_blank_separators:
            current.append(line.strip())
        else:
            blocks.append([line.strip()])
    if current:
        blocks.append(current)
    parts = []
    for block in blocks:
        if block == ["<hr>"]:
            parts.append("<hr>")
        else:
            parts.append("<p>" + "<br>\n".join(html.escape(line, quote=False) for line in block) + "</p>")
    return sanitise("\n".join(parts))


SCENE_BREAK_PARAGRAPH_RE = re.compile(r"<p\b[^>]*>((?:(?!</?p\b)[\s\S])*?)</p>", re.IGNORECASE)


def render_html(raw_html: str) -> str:
    """Sanitised HTML; a paragraph holding only a scene-break ornament (AO3 writes
    `<p align="center">* * *</p>`) becomes `<hr>` like a text scene break."""
    return SCENE_BREAK_PARAGRAPH_RE.sub(_paragraph_or_break, sanitise(raw_html))


def _paragraph_or_break(match: re.Match) -> str:
    inner = match.group(1)
    if "<img" in inner or "<br" in inner:
        return match.group()
    text = html.unescape(TAG_RE.sub("", inner))
    return "<hr>" if is_scene_break(text) else match.group()


FORMAT_NAMES = {"text": "plain text", "html": "HTML", "markdown": "Markdown", "inline": "Markdown"}


def render_checked(text: str, text_format: str, what: str = "The text", *, within_request: bool = True) -> str:
    """Sanitised HTML of `text` in `text_format` ("text", "html", "markdown", or
    "inline" for summaries, notes and comments), within core.limits' bounds: raises
    LimitExceeded, whose message starts with `what`, for HTML nested too deep,
    Markdown nested or bracketed too much, or a conversion slower than
    QUIRE_TEXT_SECONDS (or than what is left of the request's budget, see
    limits.request_budget, unless `within_request` is False).

    Renderings are kept for a while (up to RENDER_CACHE_CHARS characters of text),
    so a form that checks a work's chapters and the save that follows render each
    chapter once."""
    key = (text_format, text)
    if (cached := _RENDERED.get(key)) is not None:
        _RENDERED.move_to_end(key)
        return cached
    if text_format in {"markdown", "inline"}:
        problem = markdown_problem(text, what=what) or html_depth_problem(text, what=what)
    elif text_format == "html":
        problem = html_depth_problem(text, what=what)
    else:
        problem = None
    if problem:
        raise LimitExceeded(problem)
    seconds = text_seconds()
    message = (
        f"{what} took longer than {seconds:g} seconds to read as {FORMAT_NAMES.get(text_format, text_format)}, "
        "the most Quire spends on one text. Simplify its formatting, or choose the plain text format."
    )
    with time_limit(message, seconds=seconds, within_request=within_request):
        if text_format == "text":
            rendered = render_text(text)
        elif text_format == "html":
            rendered = render_html(text)
        elif text_format == "inline":
            rendered = render_markdown(text, keep_line_breaks=True) if text.strip() else ""
        else:
            rendered = render_markdown(text)
    _remember(key, rendered)
    return rendered


# (format, text) -> rendered HTML, oldest first; bounded by the characters of text held,
# which _held keeps count of (summing the keys on every render made imports of many
# chapters quadratic).
_RENDERED: OrderedDict[tuple[str, str], str] = OrderedDict()
RENDER_CACHE_CHARS = 4_000_000
_held = 0


def _remember(key: tuple[str, str], rendered: str) -> None:
    global _held
    if key not in _RENDERED:
        _held += len(key[1])
    _RENDERED[key] = rendered
    while len(_RENDERED) > 1 and _held > RENDER_CACHE_CHARS:
        (_, oldest), _ = _RENDERED.popitem(last=False)
        _held -= len(oldest)


def render_problem(text: str, text_format: str, *, what: str = "The text") -> str | None:
    """The reason `text` cannot be rendered within the bounds (a sentence naming the
    limit), or None; the rendering is kept for the save that follows."""
    try:
        render_checked(text, text_format, what)
    except LimitExceeded as error:
        return str(error)
    return None


def render(text: str, text_format: str) -> str:
    """Sanitised HTML of a chapter's text; text past the bounds (which the forms
    refuse, so it comes only from other paths) is shown as plain paragraphs."""
    try:
        return render_checked(text, text_format, within_request=False)
    except LimitExceeded as error:
        return _render_plain_fallback(text, text_format, error)


def render_inline_markdown(text: str) -> str:
    """For summaries, notes and comments: Markdown, sanitised; empty stays empty.
    A single line break stays a line break here: notes are written line by line
    (an author's note and its sign-off), not as reflowed prose."""
    try:
        return render_checked(text, "inline", within_request=False)
    except LimitExceeded as error:
        return _render_plain_fallback(text, "inline", error)


def _render_plain_fallback(text: str, text_format: str, error: LimitExceeded) -> str:
    logger.warning("Text shown as plain text: %s", error)
    if text_format == "html":
        text = html.unescape(TAG_RE.sub(" ", text))
    return render_text(text)


def count_words(rendered_html: str) -> int:
    text = html.unescape(TAG_RE.sub(" ", rendered_html))
    return len(WORD_RE.findall(text))
