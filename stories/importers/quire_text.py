"""Quire's own TXT and MD downloads, read back without loss.

The layouts are defined (and described) by stories.exporters.text and
stories.exporters.markdown; the metadata rows are stories.exporters.common.metadata().
Story text comes back as HTML: from TXT its paragraphs, line breaks, _emphasis_,
*strong* and scene breaks (importers.fields.text_to_html); from MD all of its Markdown.
"""

import datetime
import re

import markdown

from stories.core.rendering import is_scene_break
from stories.exporters.common import html_to_markdown
from stories.importers.base import ChapterDraft, WorkDraft
from stories.importers.fields import (
    link_from_text,
    parse_categories,
    parse_rating,
    parse_series,
    parse_warnings,
    split_list,
    text_to_html,
)

RULE = "=" * 60
LINK_KINDS = {"sequel to": "sequel_of", "prequel to": "prequel_of", "inspired by": "inspired_by",
              "translation of": "translation_of"}  # fmt: skip
CHAPTER_HEADING_RE = re.compile(r"^Chapter (?P<n>\d+)(?:: (?P<title>.*))?$")
MD_ROW_RE = re.compile(r"^- \*\*(?P<label>[^*]+):\*\* ?(?P<value>.*)$")
MD_UNESCAPE_RE = re.compile(r"\\([\\`*_\[\]#<>])")


def is_quire_text(lines: list[str]) -> bool:
    """The TXT download: title, a rule, then the "Title:" row."""
    return len(lines) > 3 and lines[1] == RULE and lines[2].startswith("Title: ")


def is_quire_markdown(lines: list[str]) -> bool:
    """The MD download: "# Title", a blank line, then the "- **Title:**" row."""
    return len(lines) > 3 and lines[0].startswith("# ") and lines[2].startswith("- **Title:** ")


def apply_rows(rows: list[tuple[str, str]], draft: WorkDraft) -> None:
    """The exporters' metadata rows (label, value), in any order, onto the draft."""

    for label, value in rows:
        key = label.strip().lower()
        if key == "title":
            draft.title = value
        elif key == "creators":
            draft.creators = [] if value == "Anonymous" else split_list(value)
        elif key == "rating":
            draft.rating = parse_rating(value)
        elif key == "archive warnings":
            draft.warnings = [] if value == "None given" else parse_warnings(value)[0]
        elif key == "categories":
            draft.categories = parse_categories(value)
        elif key in {"fandoms", "relationships", "characters"}:
            setattr(draft, key, split_list(value))
        elif key == "additional tags":
            draft.freeforms = split_list(value)
        elif key == "language":
            draft.language = value.strip()
        elif key == "series":
            draft.series += parse_series(value)
        elif key in LINK_KINDS:
            link = link_from_text(LINK_KINDS[key], value)
            if link is not None:
                draft.links.append(link)
        elif key == "published":
            draft.published_on = _iso(value)
        elif key in {"updated", "completed"}:
            draft.updated_on = _iso(value)
            draft.is_complete = key == "completed"
        elif key == "chapters":
            total = value.partition("/")[2]
            draft.expected_chapters = int(total) if total.isdigit() else None
        elif key == "url":
            draft.source_url = value.strip("<>")


def _iso(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _block(lines: list[str], start: int, is_inside) -> tuple[str, int]:
    """The lines from `start` for which is_inside(line) holds (blank lines included
    when more such lines follow) -> (their text, the index after them)."""
    taken: list[str] = []
    i = start
    while i < len(lines):
        if lines[i].strip() == "":
            following = next((j for j in range(i, len(lines)) if lines[j].strip()), None)
            if following is None or not is_inside(lines[following]):
                break
            taken.append("")
        elif is_inside(lines[i]):
            taken.append(lines[i])
        else:
            break
        i += 1
    return "\n".join(taken), i


# --- TXT -------------------------------------------------------------------------


def _indented(line: str) -> bool:
    return line.startswith("    ")


def _dedent(text: str) -> str:
    return "\n".join(line[4:] for line in text.split("\n")).strip("\n")


def parse_text(lines: list[str]) -> WorkDraft:
    """Quire's TXT download (stories.exporters.text) -> WorkDraft."""

    draft = WorkDraft(title=lines[0].strip())
    i, rows = 2, []
    while i < len(lines) and lines[i].strip():
        label, _, value = lines[i].partition(": ")
        rows.append((label, value.strip()))
        i += 1
    apply_rows(rows, draft)
    sections = _text_sections(lines, i)
    for label, block in _labelled(sections.pop(0)[1]):
        setattr(draft, label, block if label == "disclaimer" else text_notes(block))
    for heading, body_lines in sections:
        if heading == "End notes:":
            draft.end_notes = text_notes(_dedent("\n".join(body_lines).strip("\n")))
            continue
        if heading.startswith("From Quire:"):
            continue
        match = CHAPTER_HEADING_RE.match(heading)
        chapter = ChapterDraft(body="", body_format="html", title=(match.group("title") or "") if match else heading)
        body_lines = _strip_trailing_footer(body_lines)
        j = 0
        while True:
            while j < len(body_lines) and not body_lines[j].strip():
                j += 1
            label = body_lines[j].strip() if j < len(body_lines) else ""
            if label in {"Chapter summary:", "Chapter notes:"} and j + 1 < len(body_lines):
                text, j = _block(body_lines, j + 1, _indented)
                setattr(chapter, "summary" if label == "Chapter summary:" else "notes", text_notes(_dedent(text)))
            else:
                break
        rest = body_lines[j:]
        end_label = _last_index(rest, "Chapter end notes:")
        if end_label is not None:
            text, stop = _block(rest, end_label + 1, _indented)
            if not any(line.strip() for line in rest[stop:]):
                chapter.end_notes = text_notes(_dedent(text))
                rest = rest[:end_label]
        chapter.body = text_to_html("\n".join(rest))
        draft.chapters.append(chapter)
    return draft


def text_notes(text: str) -> str:
    """A summary or note of the TXT download, marked as its story text is
    (_emphasis_, *strong*, [text](https://…)), as the Markdown Quire stores notes in."""
    return html_to_markdown(text_to_html(text), line_break="\n")


def _text_sections(lines: list[str], start: int) -> list[tuple[str, list[str]]]:
    """Split at rules: [("", lines before the first chapter), (heading, lines), ...].
    A chapter heading sits between two rules; "End notes:" and the footer follow one."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    i = start
    while i < len(lines):
        line = lines[i]
        if line == RULE and i + 2 < len(lines) and lines[i + 2] == RULE:
            sections.append((lines[i + 1], []))
            i += 3
            continue
        if line == RULE and i + 1 < len(lines):
            heading = lines[i + 1]
            if heading == "End notes:":
                sections.append((heading, []))
                i += 2
                continue
            if heading.startswith("From Quire:"):
                sections.append((heading, []))
                break
        sections[-1][1].append(line)
        i += 1
    return sections


def _strip_trailing_footer(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _labelled(lines: list[str]) -> list[tuple[str, str]]:
    """ "Summary:" / "Disclaimer:" / "Notes:" each followed by indented text."""
    found, i = [], 0
    while i < len(lines):
        label = lines[i].strip().rstrip(":").lower()
        if lines[i].strip().endswith(":") and label in {"summary", "disclaimer", "notes"}:
            text, i = _block(lines, i + 1, _indented)
            found.append((label, _dedent(text)))
        else:
            i += 1
    return found


def _last_index(lines: list[str], value: str) -> int | None:
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].strip() == value:
            return i
    return None


# --- MD --------------------------------------------------------------------------


def _quoted(line: str) -> bool:
    return line.startswith(">")


def _unquote(text: str) -> str:
    """A quoted summary or note of the MD download -> its Markdown; Markdown's
    two-space line breaks become bare newlines, which notes keep anyway."""
    text = "\n".join(re.sub(r"^> ?", "", line) for line in text.split("\n")).strip("\n")
    return re.sub(r"[ \t]+\n", "\n", text)


def parse_markdown(lines: list[str]) -> WorkDraft:
    """Quire's MD download (stories.exporters.markdown) -> WorkDraft."""
    draft = WorkDraft(title=MD_UNESCAPE_RE.sub(r"\1", lines[0][2:].strip()))
    i, rows = 2, []
    while i < len(lines) and (match := MD_ROW_RE.match(lines[i])):
        rows.append((match.group("label"), MD_UNESCAPE_RE.sub(r"\1", match.group("value"))))
        i += 1
    apply_rows(rows, draft)
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in lines[i:]:
        if line.startswith("## "):
            sections.append((MD_UNESCAPE_RE.sub(r"\1", line[3:].strip()), []))
        else:
            sections[-1][1].append(line)
    for heading, body in sections[1:]:
        body = _drop_rule_and_footer(body)
        if heading in {"Summary", "Disclaimer", "Notes", "End notes"}:
            text = _unquote(_block(body, _first_filled(body), _quoted)[0])
            if heading == "Disclaimer":
                text = MD_UNESCAPE_RE.sub(r"\1", text)
            setattr(draft, heading.lower().replace(" ", "_"), text)
            continue
        match = CHAPTER_HEADING_RE.match(heading)
        chapter = ChapterDraft(
            body="", body_format="markdown", title=(match.group("title") or "") if match else heading
        )
        j = 0
        while True:
            j = _first_filled(body, j)
            label = body[j].strip() if j < len(body) else ""
            if label in {"### Chapter summary", "### Chapter notes"}:
                text, j = _block(body, _first_filled(body, j + 1), _quoted)
                setattr(chapter, "summary" if label == "### Chapter summary" else "notes", _unquote(text))
            else:
                break
        rest = body[j:]
        end_label = _last_index(rest, "### Chapter end notes")
        if end_label is not None:
            text, stop = _block(rest, _first_filled(rest, end_label + 1), _quoted)
            if not any(line.strip() for line in rest[stop:]):
                chapter.end_notes = _unquote(text)
                rest = rest[:end_label]
        chapter.body = markdown_to_html("\n".join(rest).strip("\n"))
        draft.chapters.append(chapter)
    return draft


def markdown_to_html(text: str) -> str:
    """The MD download's story text back to the HTML it was written from. Converted
    here, without the typographic extension Quire applies to Markdown an author
    writes, because these quotes and dashes are already as the author left them."""
    lines = [
        "* * *" if is_scene_break(line) and line.strip() not in {"*", "-", "+"} else line for line in text.split("\n")
    ]
    return markdown.markdown("\n".join(lines), extensions=["extra", "sane_lists"], output_format="html")


def _first_filled(lines: list[str], start: int = 0) -> int:
    while start < len(lines) and not lines[start].strip():
        start += 1
    return start


def _drop_rule_and_footer(lines: list[str]) -> list[str]:
    """A section's lines without the trailing `---` rule and the "From Quire" line."""
    lines = list(lines)
    while lines and (not lines[-1].strip() or lines[-1].strip() == "---" or lines[-1].startswith("*From Quire: ")):
        lines.pop()
    return lines
