"""Bounds on the work one request may do with an author's text.

Parsers slow down faster than their input grows on some shapes of text: html5ever
(inside nh3) and BeautifulSoup on deep element nesting (200,000 nested `<div>`s,
2 MB, take 30 s), Python-Markdown on many open brackets or emphasis marks in one
paragraph, and its lists recurse once per level. So every path that parses an
author's text checks its shape first, with a cheap linear scan, and runs under a
wall-clock budget:

- `html_depth_problem()`: element nesting deeper than MAX_HTML_DEPTH (libxml2's own
  default limit for a document is 256; a story's markup nests a dozen levels);
- `markdown_problem()`: list or quote nesting deeper than MAX_MARKDOWN_NESTING, or
  more than MAX_OPEN_BRACKETS link brackets in one paragraph;
- `time_limit()`: the most time one upload or one text may take to read, in
  settings.QUIRE_TEXT_SECONDS; past it, LimitExceeded with the caller's message;
  `request_budget()` bounds all of them in one request together.

Each check returns (or raises with) a sentence for the author that names the limit.
"""

import gc
import re
import signal
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

MAX_HTML_DEPTH = 256
MAX_MARKDOWN_NESTING = 50
MAX_OPEN_BRACKETS = 500


class LimitExceeded(ValueError):
    """Text past one of the bounds above; the message names the limit and is shown as it is."""


# --- HTML element nesting -----------------------------------------------------------

VOID_ELEMENTS = frozenset(
    {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input", "keygen", "link",
     "meta", "param", "source", "track", "wbr"}
)  # fmt: skip
# Their content is text, not markup: skipped whole.
RAW_TEXT_ELEMENTS = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"}
)
# A start tag that ends an open element of these names first (HTML's implied end tags).
IMPLIED_ENDS = {
    "p": {"p"},
    "li": {"li"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "tr": {"tr", "td", "th"},
    "td": {"td", "th"},
    "th": {"td", "th"},
    "option": {"option"},
    "optgroup": {"optgroup", "option"},
    "rt": {"rt", "rp"},
    "rp": {"rt", "rp"},
    "a": {"a"},
}
# Start tags of blocks close an open paragraph.
CLOSES_PARAGRAPH = frozenset(
    {"address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption", "figure",
     "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "menu", "nav", "ol", "pre",
     "section", "summary", "table", "ul"}
)  # fmt: skip
TOKEN_RE = re.compile(
    r"<!--.*?(?:-->|\Z)|<[!?][^>]*>|<(/?)([A-Za-z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.DOTALL,
)


def html_depth(text: str, *, stop_past: int, xml_empty_tags: bool = False) -> tuple[int, int]:
    """The deepest element nesting in an HTML (or XHTML) document or fragment, and the
    character offset of the start tag that first reached it: (depth, offset).

    A linear scan of the tags, following HTML's implied end tags closely enough for
    a bound (a `<p>` closes an open `<p>`, void elements never open, an end tag closes
    back to its element, a stray end tag is ignored), never building a tree. With
    `xml_empty_tags` an XHTML `<div/>` opens nothing, as libxml2 reads it; HTML
    parsers (html5ever) ignore the slash, so by default it opens an element. The
    scan ends as soon as the depth passes `stop_past` (so it stays linear)."""
    stack: list[str] = []
    deepest, where = 0, 0
    raw_until: re.Pattern | None = None
    position = 0
    while True:
        if raw_until is not None:
            end = raw_until.search(text, position)
            if end is None:
                break
            position, raw_until = end.end(), None
            stack.pop()
            continue
        match = TOKEN_RE.search(text, position)
        if match is None:
            break
        position = match.end()
        name = match.group(2)
        if name is None:
            continue  # a comment, doctype or processing instruction
        name = name.lower()
        if match.group(1):
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name) :]
            continue
        if name in VOID_ELEMENTS or (xml_empty_tags and match.group(3).rstrip().endswith("/")):
            continue
        top = stack[-1] if stack else ""
        if top in IMPLIED_ENDS.get(name, ()) or (top == "p" and name in CLOSES_PARAGRAPH):
            stack.pop()
        stack.append(name)
        if len(stack) > deepest:
            deepest, where = len(stack), match.start()
            if deepest > stop_past:
                break
        if name in RAW_TEXT_ELEMENTS:
            raw_until = re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE)
    return deepest, where


def html_depth_problem(text: str, *, what: str = "The HTML", xml_empty_tags: bool = False) -> str | None:
    """A sentence for the author when `text` nests elements deeper than MAX_HTML_DEPTH,
    naming the limit and the line where it is passed; None when it is within it."""
    depth, where = html_depth(text, xml_empty_tags=xml_empty_tags, stop_past=MAX_HTML_DEPTH)
    if depth <= MAX_HTML_DEPTH:
        return None
    line = text.count("\n", 0, where) + 1
    return (
        f"{what} nests its elements more than {MAX_HTML_DEPTH} levels deep (past that at line {line:,}); "
        f"Quire reads at most {MAX_HTML_DEPTH} levels. Remove the extra nesting (a story needs a few "
        "levels: paragraphs, emphasis, a block quote) and try again."
    )


# --- Markdown ----------------------------------------------------------------------

BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
LEADING_RE = re.compile(r"^[ \t>]*", re.MULTILINE)


def markdown_problem(text: str, *, what: str = "The text") -> str | None:
    """A sentence for the author when Markdown `text` nests lists or quotes deeper than
    MAX_MARKDOWN_NESTING levels (4 spaces, a tab or a ">" each) or has more than
    MAX_OPEN_BRACKETS "[" in one paragraph; None otherwise. Python-Markdown's time
    grows with the square (or worse) of both."""
    for match in LEADING_RE.finditer(text):
        lead = match.group()
        if len(lead) < MAX_MARKDOWN_NESTING:
            continue
        levels = lead.count(">") + lead.count("\t") + lead.count(" ") // 4
        if levels > MAX_MARKDOWN_NESTING:
            line = text.count("\n", 0, match.start()) + 1
            return (
                f"{what} nests lists or quotes more than {MAX_MARKDOWN_NESTING} levels deep (at line {line:,}); "
                f"Quire reads at most {MAX_MARKDOWN_NESTING}."
            )
    if text.count("[") > MAX_OPEN_BRACKETS:
        for paragraph in BLANK_LINE_RE.split(text):
            if paragraph.count("[") > MAX_OPEN_BRACKETS:
                return (
                    f"{what} has a paragraph with {paragraph.count('['):,} square brackets; Quire reads at most "
                    f"{MAX_OPEN_BRACKETS} in one paragraph (Markdown reads each as the start of a link). "
                    "Split the paragraph, or use the plain text format."
                )
    return None


# --- Time --------------------------------------------------------------------------

_state = threading.local()


_FINALIZE_CALL = weakref.finalize.__call__.__code__


def _in_collector(frame) -> bool:
    """Whether `frame` or a caller runs a garbage-collector callback (gc.callbacks,
    e.g. Hypothesis's) or a finalizer (__del__, weakref.finalize): code whose
    exceptions are swallowed. A weakref callback run by the collector swallows them
    too and has no frame to know it by: there the exception is reported as
    unraisable, and the timer's next ring ends the block."""
    callbacks = {getattr(callback, "__code__", None) for callback in gc.callbacks}
    while frame is not None:
        code = frame.f_code
        if code in callbacks or code.co_name == "__del__" or code is _FINALIZE_CALL:
            return True
        frame = frame.f_back
    return False


def text_seconds() -> float:
    """The time budget for reading one upload or rendering one text (seconds); 0: no budget."""
    return float(settings.QUIRE_TEXT_SECONDS)


@contextmanager
def request_budget(message: str, *, seconds: float | None = None) -> Iterator[None]:
    """A budget for a whole request that reads several texts (an upload and its
    review, a work's chapters): every time_limit() inside the block ends by then too,
    and raises `message` when it is this budget, not its own, that runs out."""
    seconds = text_seconds() if seconds is None else seconds
    previous = getattr(_state, "deadline", None)
    _state.deadline = (time.monotonic() + seconds, message) if seconds > 0 else None
    try:
        yield
    finally:
        _state.deadline = previous


@contextmanager
def time_limit(message: str, *, seconds: float | None = None, within_request: bool = True) -> Iterator[None]:
    """Run the block for at most `seconds` (default QUIRE_TEXT_SECONDS) of wall-clock
    time, and (when `within_request`) no later than the enclosing request_budget;
    past it, LimitExceeded(message) is raised inside the block (the budget's
    message when that ran out first).

    Uses SIGALRM, so it interrupts pure-Python parsing (Python-Markdown,
    BeautifulSoup) but waits for a C call in progress to return, which is why the
    shape checks above bound those calls first. It can only act on the main thread
    (where gunicorn's sync workers and management commands run); elsewhere, and
    inside another time_limit (the outer one stands), it runs the block as it is."""
    seconds = text_seconds() if seconds is None else seconds
    bound = getattr(_state, "deadline", None) if within_request else None
    left = bound[0] - time.monotonic() if seconds > 0 and bound is not None else seconds
    if left < seconds:
        # The request's budget ends first; its message names the cause unless
        # nearly all of it was still there (then this block alone is to blame).
        if left < 0.9 * seconds:
            message = bound[1]
        seconds = left
        if seconds <= 0:
            raise LimitExceeded(message)
    usable = (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and not getattr(_state, "timing", False)
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not usable:
        yield
        return

    def _expired(signum, frame):
        # Raised wherever the block is, but not in a garbage-collector callback or a
        # finalizer, which would swallow it (and report it as unraisable): there the
        # timer rings again shortly. It rings again anyway until the block has ended.
        swallowing = _in_collector(frame)
        signal.setitimer(signal.ITIMER_REAL, 0.005 if swallowing else 0.05)
        if not swallowing:
            raise LimitExceeded(message)

    previous = signal.signal(signal.SIGALRM, _expired)
    _state.timing = True
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _state.timing = False
