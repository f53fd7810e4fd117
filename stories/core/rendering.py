"""Author text -> sanitised HTML, and word counts.

Everything a reader sees of an author's writing passes through `sanitise()`:
no script, no event handlers, no style attributes, only http(s)/mailto links.
"""

import html
import re

import markdown
import nh3

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
    "*": {"lang", "dir"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# A scene break is a short line made only of a repeated ornament: "xXxXx", "* * *",
# "***", "-----", "~~~", "oOo", "#", "=-=-=". Letters count only in runs of three or
# more mixed x/o ("oOo", "xXx"), so words never match; "..." is dialogue, not a break.
ORNAMENT_CHARS = set("*#~=_+-•·◇◆♦◊§")
ORNAMENT_LETTERS = set("xXoO0")
WORD_RE = re.compile(r"[\w'’-]+", re.UNICODE)
TAG_RE = re.compile(r"<[^>]+>")


def sanitise(raw_html: str) -> str:
    """Keep the markup a story needs; drop everything that could run or restyle the page."""
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def is_scene_break(line: str) -> bool:
    compact = "".join(line.split())
    if not compact or len(compact) > 40:
        return False
    if set(compact) <= ORNAMENT_CHARS:
        return True
    return len(compact) >= 3 and set(compact) <= ORNAMENT_CHARS | ORNAMENT_LETTERS and len(set(compact)) > 1


def render_markdown(text: str, *, keep_line_breaks: bool = False) -> str:
    # Scene-break ornaments are normalised to a Markdown rule first, so "xXxXx" becomes <hr>.
    lines = [
        "\n* * *\n" if is_scene_break(line) and line.strip() not in {"*", "-", "+"} else line
        for line in text.splitlines()
    ]
    extensions = ["extra", "sane_lists", "smarty"] + (["nl2br"] if keep_line_breaks else [])
    converted = markdown.markdown("\n".join(lines), extensions=extensions, output_format="html")
    return sanitise(converted)


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


def render_html(raw_html: str) -> str:
    return sanitise(raw_html)


def render(text: str, text_format: str) -> str:
    if text_format == "text":
        return render_text(text)
    if text_format == "html":
        return render_html(text)
    return render_markdown(text)


def render_inline_markdown(text: str) -> str:
    """For summaries, notes and comments: Markdown, sanitised; empty stays empty.
    A single line break stays a line break here: notes are written line by line
    (an author's note and its sign-off), not as reflowed prose."""
    return render_markdown(text, keep_line_breaks=True) if text.strip() else ""


def count_words(rendered_html: str) -> int:
    text = html.unescape(TAG_RE.sub(" ", rendered_html))
    return len(WORD_RE.findall(text))
