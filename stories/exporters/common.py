"""What every download format shares: loading a work with everything it shows,
its metadata as label/value pairs, and safe filenames."""

import re
import unicodedata
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag
from django.db.models import Prefetch

from stories.models import Chapter, SeriesPart, Work, WorkLink

DISCLAIMER_LABEL = "Disclaimer"


@dataclass
class ExportedFile:
    data: bytes
    content_type: str
    filename: str


def safe_filename(title: str, extension: str, *, fallback: str) -> str:
    """The title as a filename every system accepts: letters (any script), digits,
    spaces, dots, dashes and underscores; no path separators, quotes or control
    characters; at most 100 characters; never hidden or empty."""
    normalised = unicodedata.normalize("NFC", title)
    cleaned = re.sub(r"[^\w .-]+", "", normalised)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .-_")[:100].strip(" .")
    return f"{cleaned or fallback}.{extension}"


def load_work_for_export(work_id: int) -> Work:
    """The work with its chapters (in order), creators, tags, series and links."""
    work = (
        Work.objects.for_listing()
        .prefetch_related(
            Prefetch("chapters", queryset=Chapter.objects.order_by("position")),
            Prefetch("series_parts", queryset=SeriesPart.objects.select_related("series").order_by("series__title")),
            Prefetch(
                "outgoing_links", queryset=WorkLink.objects.select_related("target").order_by("id"), to_attr="links_out"
            ),
            Prefetch(
                "incoming_links",
                queryset=WorkLink.objects.filter(source__status="posted", source__is_hidden=False)
                .select_related("source")
                .order_by("id"),
                to_attr="links_in",
            ),
        )
        .get(pk=work_id)
    )
    return work


def metadata(work: Work, *, url: str) -> list[tuple[str, str]]:
    """The work's metadata as (label, plain text) pairs, in the order a reader
    expects from the work page."""
    rows: list[tuple[str, str]] = [
        ("Title", work.title),
        ("Creators", ", ".join(u.username for u in work.creator_users) or "Anonymous"),
        ("Rating", work.get_rating_display()),
        ("Archive Warnings", ", ".join(work.warning_labels()) or "None given"),
    ]
    if work.categories:
        rows.append(("Categories", ", ".join(work.category_labels())))
    for label, tags in (
        ("Fandoms", work.fandoms),
        ("Relationships", work.relationships),
        ("Characters", work.characters),
        ("Additional Tags", work.freeforms),
    ):
        if tags:
            rows.append((label, ", ".join(t.name for t in tags)))
    rows.append(("Language", work.language))
    for part in work.series_parts.all():
        rows.append(("Series", f"Part {part.position} of {part.series.title}"))
    for label, title, author, link_url in link_rows(work):
        rows.append((label, link_text(title, author, link_url)))
    for link in work.links_in:
        rows.append((link.reverse_label, link.source.title))
    rows.append(("Published", work.published_on.isoformat()))
    rows.append(("Completed" if work.is_complete else "Updated", work.updated_at.date().isoformat()))
    rows.append(("Words", f"{work.word_count:,}"))
    rows.append(("Chapters", work.chapters_display))
    rows.append(("URL", url))
    return rows


def link_rows(work: Work) -> list[tuple[str, str, str, str]]:
    """The work's outgoing links as (label, title, author, url): "Sequel to",
    "Loathing", "" (the same creator), "". A link to a work on Quire names the
    target's first creator when it shares none with this work."""
    rows = []
    own = {u.pk for u in work.creator_users}
    for link in work.links_out:
        target = link.target if link.target_id and link.target.is_posted and not link.target.is_hidden else None
        title = target.title if target else link.target_title
        author = link.target_author
        if target is not None and not author:
            names = list(target.creators.order_by("creator_links__position").values_list("pk", "username"))
            if names and not own & {pk for pk, _ in names}:
                author = names[0][1]
        if title:
            rows.append((link.get_kind_display(), title, author, link.target_url))
    return rows


def link_text(title: str, author: str, url: str) -> str:
    """'"Title" by Author <url>' (what the text importer reads back)."""
    text = f'"{title}"'
    if author:
        text += f" by {author}"
    if url:
        text += f" <{url}>"
    return text


BR_NEWLINE_RE = re.compile(r"(<br\s*/?>)\s*\n", re.IGNORECASE)


def html_to_text(fragment: str, *, emphasis: bool = False) -> str:
    """Sanitised story HTML as plain text: a blank line between blocks, "* * *" for
    scene breaks; with `emphasis`, _emphasis_, *strong* and [text](https://…) links
    to other pages, as plain-text writers mark them (and as
    stories.importers.fields.text_to_html reads them back)."""
    # A <br> already stands for its line break; the newline after it in the source is not another.
    soup = BeautifulSoup(BR_NEWLINE_RE.sub(r"\1", fragment or ""), "html.parser")
    if emphasis:
        for tag in soup.find_all(["em", "i", "cite", "strong", "b"]):
            if tag.get_text().strip():
                mark = "*" if tag.name in {"strong", "b"} else "_"
                tag.insert(0, mark)
                tag.append(mark)
        for tag in soup.find_all("a", href=OUTSIDE_LINK_RE):
            if tag.get_text().strip():
                tag.insert(0, "[")
                tag.append(f"]({link_target(tag['href'])})")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for hr in soup.find_all("hr"):
        hr.replace_with("\n\n* * *\n\n")
    for block in soup.find_all(["p", "div", "blockquote", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr"]):
        block.insert_before("\n\n")
        block.insert_after("\n\n")
    text = soup.get_text()
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


OUTSIDE_LINK_RE = re.compile(r"^(?:https?|mailto):", re.IGNORECASE)


PLAIN_TARGET_RE = re.compile(r"(?:[^\s()<>]|\([^\s()<>]*\))+")


def link_target(url: str) -> str:
    """A URL as it stands inside Markdown's "[text](…)": as it is when it has no
    space and its brackets pair up ("…/Lantern_(novel)"), else in angle brackets."""
    if PLAIN_TARGET_RE.fullmatch(url):
        return url
    return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"


MD_SPECIAL = re.compile(r"([\\`*_\[\]#<>])")
MD_TEXT_SPECIAL = re.compile(r"([\\`*_\[\]#>])")
# Markdown has no backslash escape for "<" or "&": entities keep them literal, but
# only where they would otherwise start a tag or an entity ("Tom & Jerry", "a < b"
# stay as they are, so the Markdown reads as the text does).
MD_AMPERSAND_RE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
MD_ANGLE_RE = re.compile(r"<(?=[A-Za-z/!?])")
LINE_BREAK_RE = re.compile(r"[ \t]*\n[ \t]*")
MD_CONTAINERS = {"div", "section", "details", "figure", "table", "tbody", "thead", "tfoot", "dl", "body", "html"}
MD_BLOCKS = {
    *MD_CONTAINERS,
    *("p", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "pre", "tr", "td", "th"),
    *("dt", "dd", "summary", "figcaption", "caption"),
}


def html_to_markdown(fragment: str, *, line_break: str = "  \n") -> str:
    """Sanitised story HTML as Markdown: paragraphs, emphasis, links, headings,
    quotes, lists and scene breaks; anything else keeps its text. Text and inline
    markup outside any block (a bare "Some <i>words</i>") is one paragraph.

    `line_break` is what a <br> becomes: Markdown's two spaces and a newline by
    default; a bare newline for summaries and notes, which Quire renders with
    every newline kept (stories.core.rendering.render_inline_markdown)."""
    soup = BeautifulSoup(fragment or "", "html.parser")

    def inline(node) -> str:
        if isinstance(node, NavigableString):
            text = MD_ANGLE_RE.sub("&lt;", MD_AMPERSAND_RE.sub("&amp;", str(node).replace("\n", " ")))
            return MD_TEXT_SPECIAL.sub(r"\\\1", text)
        if not isinstance(node, Tag):
            return ""
        inner = "".join(inline(child) for child in node.children)
        if node.get("id"):
            # Footnotes and in-text anchors: Markdown has no ids, so an empty anchor
            # (kept by the sanitiser) carries it.
            inner = f'<a id="{node["id"]}"></a>' + inner
        name = node.name
        if name in {"em", "i", "cite"}:
            return f"*{inner}*" if inner.strip() else inner
        if name in {"strong", "b"}:
            return f"**{inner}**" if inner.strip() else inner
        if name in {"del", "s", "strike"}:
            return f"~~{inner}~~"
        if name == "code":
            return f"`{node.get_text()}`"
        if name == "br":
            return "\n"
        if name == "a" and node.get("href"):
            return f"[{inner}]({link_target(node['href'])})"
        if name == "img":
            return f"![{node.get('alt', '')}]({link_target(node.get('src', ''))})"
        return inner

    def paragraph(text: str) -> list[str]:
        text = LINE_BREAK_RE.sub(line_break, text.strip())
        return [text] if text else []

    def block(node) -> list[str]:
        name = node.name
        if name == "hr":
            return ["* * *"]
        if name in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            return ["#" * (int(name[1]) + 2 if int(name[1]) < 4 else 6) + " " + " ".join(inline(node).split())]
        if name == "blockquote":
            inner = blocks(node)
            return ["\n".join("> " + line if line else ">" for line in "\n\n".join(inner).split("\n"))]
        if name in {"ul", "ol"}:
            items = []
            for number, li in enumerate(node.find_all("li", recursive=False), start=1):
                marker = f"{number}." if name == "ol" else "-"
                items.append(f"{marker} {' '.join(inline(li).split())}")
            return ["\n".join(items)]
        if name == "pre":
            return ["```\n" + node.get_text() + "\n```"]
        if name in MD_CONTAINERS:
            return blocks(node)
        return paragraph(inline(node))

    def blocks(parent) -> list[str]:
        out: list[str] = []
        run: list[str] = []  # inline nodes waiting to become one paragraph
        for child in parent.children:
            if isinstance(child, Tag) and child.name in MD_BLOCKS:
                out += paragraph("".join(run))
                run = []
                out += block(child)
            elif isinstance(child, NavigableString | Tag):
                run.append(inline(child))
        return out + paragraph("".join(run))

    return "\n\n".join(part for part in blocks(soup) if part.strip())


STATS_LABELS = ("Published", "Completed", "Updated", "Words", "Chapters")
PREFACE_SKIPPED = {"Title", "Creators", "URL", *STATS_LABELS}


@dataclass
class ChapterPage:
    """A chapter as the HTML-based downloads show it; `body` is its sanitised HTML,
    possibly adjusted for the format (the EPUB replaces remote images)."""

    display_title: str
    summary_html: str
    notes_html: str
    body: str
    end_notes_html: str


def preface_context(work: Work, *, url: str) -> dict:
    """What templates/exporters/_preface.html needs: the dl rows (label, text),
    the links (label, title, author, url) and the AO3-style stats (label, text)."""
    rows = metadata(work, url=url)
    link_labels = {label for label, *_ in link_rows(work)}
    shown = [
        (label, value)
        for label, value in rows
        if label not in PREFACE_SKIPPED and label not in link_labels and value != "None given" and label != "Series"
    ]
    series = [value for label, value in rows if label == "Series"]
    if series:
        # One row, as AO3 writes it: "Part 2 of A, Part 1 of B".
        shown.append(("Series", ", ".join(series)))
    return {
        "work": work,
        "url": url,
        "rows": shown,
        "links": link_rows(work),
        "stats": [(label, value) for label, value in rows if label in STATS_LABELS],
    }


def chapter_pages(work: Work, body=lambda html: html) -> list[ChapterPage]:
    """The work's chapters for the HTML-based downloads; `body` adjusts each body."""
    return [
        ChapterPage(
            display_title=c.display_title,
            summary_html=c.summary_html,
            notes_html=c.notes_html,
            body=body(c.body_html),
            end_notes_html=c.end_notes_html,
        )
        for c in work.chapters.all()
    ]
