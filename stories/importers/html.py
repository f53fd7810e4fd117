"""HTML story files: AO3 downloads, FanFicFare output, and plain HTML.

Where the structures come from:
- AO3's HTML download (its `downloads/show.html` template) keeps the metadata in
  `div#preface dl.tags` as class-less `dt`/`dd` pairs read by their labels
  ("Rating:", "Archive Warning:", "Fandom:", ...), the title in `h1`, the creator in
  `div.byline`, summary and notes as `p` labels followed by `blockquote.userstuff`,
  the chapters in `div#chapters` (a `div.meta.group` with `h2.heading` before each
  `div.userstuff`; a one-chapter work has the `div.userstuff` alone) and the end
  notes in `div#afterword`.
- FanFicFare's HTML output (checked against `fanficfare -f html 'http://test1.com?sid=1'`)
  has an `h1` "Title by Author", a `table.full` of `<b>Label:</b>` / value rows and
  each chapter as `<a name="sectionNNNN"><h2>title</h2></a>` followed by a `div`.
  For AO3 stories FanFicFare lists fandoms under "Category" and freeform tags under
  "Genre".

The HTML found here is stored as the chapter source with format "html"; it is
sanitised (stories.core.rendering) whenever it is shown.
"""

import html as html_module
import re

from bs4 import BeautifulSoup, Tag

from stories.core.limits import html_depth_problem
from stories.core.rendering import TAG_RE, render_inline_markdown, sanitise
from stories.exporters.common import html_to_markdown, html_to_text
from stories.importers import fields
from stories.importers.base import (
    ChapterDraft,
    ImportFailed,
    LinkDraft,
    WorkDraft,
    check_size,
    max_upload_bytes,
    read_text,
)

HTML_ENTITY_NAMES = {name.rstrip(";") for name in html_module.entities.html5}
XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def parse(data: bytes) -> WorkDraft:
    """Read an AO3 download, a FanFicFare file or any HTML page into a WorkDraft."""
    check_size(data)
    text, repairs = read_text(data)
    text = without_internal_subset(text, what="The file")
    check_depth(text, what="The file's HTML")
    soup = soup_from_text(text)
    if soup.body is None or not soup.get_text(strip=True):
        raise ImportFailed("The HTML file has no text in it.")
    if soup.select_one("#preface dl.tags") is not None or soup.select_one("#chapters") is not None:
        draft = parse_ao3(soup)
    elif soup.select_one("table.full") is not None and soup.select_one("a[name^=section] h2") is not None:
        draft = parse_fanficfare(soup)
    elif soup.select_one("dl.meta") is not None and soup.select_one("section.chapter") is not None:
        draft = parse_labelled_page(soup)
    else:
        draft = parse_plain(soup)
    draft.repairs = repairs
    return finish(draft)


DOCTYPE_SUBSET_RE = re.compile(
    r"\A\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*(?P<doctype><!DOCTYPE\s[^\[>]*\[(?P<subset>.*?)\]\s*>)",
    re.IGNORECASE | re.DOTALL,
)
ENTITY_DECL_RE = re.compile(
    r"<!ENTITY\s+(?P<parameter>%\s+)?(?P<name>[^\s\"']+)\s+(?P<rest>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.DOTALL
)
ENTITY_VALUE_RE = re.compile(r"^\s*(?:\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)')\s*$", re.DOTALL)
ENTITY_REFERENCE_RE = re.compile(r"[&%](?P<name>[A-Za-z_][\w.-]*);")
ENTITY_EXPANSION = (
    "{what} declares its own entities in a DTD ({detail}); Quire does not expand entities that refer to "
    "other entities or to outside files, since a few lines of them can expand to gigabytes (an “entity "
    "expansion”, as in the “billion laughs” attack). Save it again without the <!DOCTYPE …[ … ]> block."
)


def without_internal_subset(text: str, *, what: str) -> str:
    """The text of an (X)HTML document with its internal DTD subset taken out:
    `<!DOCTYPE html [ <!ENTITY name "value"> ]>`. HTML parsers do not read a subset,
    so its `]>` and everything after it would land in the story text (and the head's
    title with it). Entities it declares as plain text ("&#160;", "Jane") are
    expanded, once; entities that refer to other entities, parameter entities and
    external ones (SYSTEM/PUBLIC) are refused with ImportFailed naming the cause, as
    is an expansion past the upload size limit."""
    match = DOCTYPE_SUBSET_RE.match(text)
    if match is None:
        return text
    entities: dict[str, str] = {}
    for declaration in ENTITY_DECL_RE.finditer(match.group("subset")):
        name = declaration.group("name")
        value = ENTITY_VALUE_RE.match(declaration.group("rest"))
        if declaration.group("parameter") or value is None:
            raise ImportFailed(ENTITY_EXPANSION.format(what=what, detail=f"the entity “{name[:40]}” is not plain text"))
        value = value.group("double") if value.group("double") is not None else value.group("single")
        nested = [m.group("name") for m in ENTITY_REFERENCE_RE.finditer(value) if m.group()[0] == "%" or m.group(
            "name"
        ) not in HTML_ENTITY_NAMES]  # fmt: skip
        if nested:
            raise ImportFailed(ENTITY_EXPANSION.format(what=what, detail=f"“{name[:40]}” refers to “{nested[0][:40]}”"))
        entities[name] = value
    body = text[match.end() :]
    if entities:
        budget = max_upload_bytes()
        grown = 0

        def expand(reference: re.Match) -> str:
            nonlocal grown
            value = entities.get(reference.group("name"))
            if value is None or reference.group()[0] == "%":
                return reference.group()
            grown += len(value)
            if grown > budget:
                raise ImportFailed(ENTITY_EXPANSION.format(what=what, detail="they expand past the upload size limit"))
            return value

        body = ENTITY_REFERENCE_RE.sub(expand, body)
    return text[: match.start("doctype")] + body


def check_depth(text: str, *, what: str) -> None:
    """ImportFailed naming the limit when the markup nests deeper than core.limits
    allows; checked before any parser sees it (their time grows with the depth)."""
    problem = html_depth_problem(text, what=what, xml_empty_tags=True)
    if problem:
        raise ImportFailed(problem)


def soup_from_text(text: str) -> BeautifulSoup:
    return BeautifulSoup(XML_DECLARATION_RE.sub("", text, count=1), "lxml")


def finish(draft: WorkDraft) -> WorkDraft:
    """Checks and derived values every HTML-based importer shares."""
    draft.title = " ".join(draft.title.split())
    if not draft.title:
        raise ImportFailed("The file has no title Quire can find.")
    draft.chapters = [c for c in draft.chapters if has_content(c.body)]
    if not draft.chapters:
        raise ImportFailed("The file has a title but no story text.")
    if not draft.links:
        # Read in the text a reader sees: "Sequel to *Loathing*" names "Loathing".
        draft.links = fields.find_links(
            *(text_of_html(render_inline_markdown(t)) for t in (draft.summary, draft.notes))
        )
    if draft.is_complete and not draft.expected_chapters:
        draft.expected_chapters = len(draft.chapters)

    fields.suggest_fandoms(draft)
    return draft


def text_of_html(fragment: str) -> str:
    """The visible text of a fragment as readers will get it (after the sanitiser)."""
    return html_module.unescape(TAG_RE.sub(" ", sanitise(fragment))).strip() if fragment else ""


def has_content(fragment: str) -> bool:
    """Text or a picture survives the sanitiser (comics and art works are images only)."""
    return bool(text_of_html(fragment)) or "<img" in sanitise(fragment or "")


def inner_html(element: Tag | None) -> str:
    if element is None:
        return ""
    return "".join(str(child) for child in element.children).strip()


def notes_markdown(element: Tag | None) -> str:
    """A summary or note (the element's content) as the Markdown Quire stores for
    it: paragraphs, line breaks, italic, bold and links kept, anything unsafe gone
    (sanitised first). Rendered back by stories.core.rendering.render_inline_markdown,
    which keeps every newline, so a <br> is a bare newline here."""
    if element is None:
        return ""
    return html_to_markdown(sanitise(inner_html(element)), line_break="\n")


def plain_block(element: Tag | None) -> str:
    """A disclaimer (stored as plain text) with its paragraphs and line breaks kept."""
    return html_to_text(sanitise(inner_html(element))) if element is not None else ""


def label_key(label: str) -> str:
    """ "Archive Warning(s):" / "Archive Warnings:" -> "archive warning"."""
    key = " ".join(label.strip().rstrip(":").strip().lower().replace("(s)", "").split())
    if key in {"stats", "status", "series"} or not key.endswith("s") or key.endswith("ss"):
        return key
    if key.endswith("ies"):
        return key[:-3] + "y"  # "Categories" -> "category"
    return key[:-1]


def apply_fields(draft: WorkDraft, values: dict[str, str]) -> None:
    """Metadata by label, shared by the AO3 and FanFicFare readers (labels already
    through label_key). FanFicFare's "category" holds fandoms and "genre" freeforms."""
    get = values.get
    if get("rating"):
        draft.rating = fields.parse_rating(get("rating"))
    warnings_text = get("archive warning") or get("warning") or ""
    if warnings_text.strip().lower() == "none given":
        warnings_text = ""
    warnings, other = fields.parse_warnings(warnings_text)
    draft.warnings = warnings
    # AO3's "Category" is F/M, M/M ...; FanFicFare's "Category" is the fandoms.
    category = fields.split_list(get("category") or "")
    if category and len(fields.parse_categories(get("category"))) == len(category):
        draft.categories = fields.parse_categories(get("category"))
    elif category:
        draft.fandoms = category
    if get("fandom"):
        draft.fandoms = fields.split_list(get("fandom"))
    draft.relationships = fields.split_list(get("relationship") or get("pairing") or "")
    draft.characters = fields.split_list(get("character") or "")
    freeforms = fields.split_list(get("additional tag") or get("genre") or get("tag") or get("freeform") or "")
    draft.freeforms = freeforms + [w for w in other if w.lower() not in {f.lower() for f in freeforms}]
    if get("language"):
        draft.language = fields.parse_language(get("language"))
    for key, attribute, raw in (
        ("published", "published_on", get("published")),
        ("updated", "updated_on", get("updated") or get("completed")),
    ):
        if raw:
            setattr(draft, attribute, fields.parse_date(raw))
            if getattr(draft, attribute) is None:
                draft.unread_dates[key] = raw
    status = (get("status") or "").lower()
    if status in {"complete", "completed", "finished"}:
        draft.is_complete = True
    if get("completed"):
        draft.is_complete = True
    if get("series"):
        draft.series = fields.parse_series(get("series"))


AO3_STATS_RE = re.compile(r"(Published|Updated|Completed|Words|Chapters):\s*(\S+)")


def parse_ao3(soup: BeautifulSoup) -> WorkDraft:
    draft = WorkDraft()
    preface = soup.select_one("#preface") or soup
    values: dict[str, str] = {}
    for dl in preface.select("dl.tags"):
        for dt in dl.find_all("dt"):
            dd = dt.find_next_sibling("dd")
            if dd is None:
                continue
            links = [a.get_text(" ", strip=True) for a in dd.find_all("a")]
            key = label_key(dt.get_text())
            if key == "series":
                values[key] = "\n".join(" ".join(s.split()) for s in _series_lines(dd))
            elif links and key not in {"stats"}:
                values[key] = ", ".join(links)
            else:
                values[key] = dd.get_text(" ", strip=True)
    stats = dict(AO3_STATS_RE.findall(values.pop("stats", "")))
    for name in ("Published", "Updated", "Completed"):
        if name in stats:
            values[name.lower()] = stats[name]
    apply_fields(draft, values)
    if "Chapters" in stats:
        done, _, total = stats["Chapters"].partition("/")
        draft.expected_chapters = int(total) if total.isdigit() else None
        # AO3 writes "Completed:" for a finished work and "Updated:" for one in
        # progress; a one-shot has neither and is finished when it says 1/1.
        if "Completed" in stats:
            draft.is_complete = True
        elif "Updated" not in stats:
            draft.is_complete = total.isdigit() and done == total
    draft.links = _ao3_links(preface)
    title = preface.select_one("h1") or soup.find("title")
    draft.title = title.get_text(" ", strip=True) if title else ""
    byline = preface.select_one(".byline")
    if byline:
        draft.creators = [a.get_text(strip=True) for a in byline.find_all("a")] or fields.split_list(
            byline.get_text(" ", strip=True).removeprefix("by ")
        )
    meta = preface.select_one("div.meta") or preface
    labelled = _labelled_blocks(meta)
    draft.summary = labelled.get("summary", "")
    draft.notes = labelled.get("notes", "")
    draft.disclaimer = labelled.get("disclaimer", "")
    afterword = soup.select_one("#afterword")
    if afterword:
        draft.end_notes = _labelled_blocks(afterword).get("end notes", "")
    draft.chapters = _ao3_chapters(soup)
    return draft


LINK_KINDS = {"sequel to": "sequel_of", "prequel to": "prequel_of", "inspired by": "inspired_by",
              "translation of": "translation_of", "a translation of": "translation_of"}  # fmt: skip
ASSOCIATION_RE = re.compile(r"^\s*(?P<kind>inspired by|a translation of|translation of|sequel to|prequel to)\s", re.I)


def _ao3_links(preface: Tag) -> list[LinkDraft]:
    """Related works: Quire's own `dt` rows ("Sequel to:" with a `cite` title and an
    `.author`), and AO3's association lines ("Inspired by <a>Title</a> by <a>name</a>",
    "A translation of ...") wherever the preface has them."""
    links: list[LinkDraft] = []
    for dt in preface.select("dl.tags dt"):
        kind = LINK_KINDS.get(label_key(dt.get_text()))
        dd = dt.find_next_sibling("dd")
        if kind and dd is not None:
            title = dd.find("cite") or dd.find("a")
            author = dd.select_one(".author")
            url = dd.find("a", href=True)
            if title is not None and title.get_text(strip=True):
                links.append(
                    LinkDraft(
                        kind=kind,
                        title=title.get_text(" ", strip=True),
                        author=author.get_text(" ", strip=True) if author else "",
                        url=url["href"] if url is not None and url["href"].startswith(("http://", "https://")) else "",
                    )
                )
    for line in preface.find_all(["li", "p"]):
        match = ASSOCIATION_RE.match(line.get_text(" ", strip=True))
        anchors = line.find_all("a", href=True)
        if match and anchors and not line.find_parent("dl"):
            href = anchors[0]["href"]
            links.append(
                LinkDraft(
                    kind=LINK_KINDS[match.group("kind").lower()],
                    title=anchors[0].get_text(" ", strip=True),
                    author=anchors[1].get_text(" ", strip=True) if len(anchors) > 1 else "",
                    url=href if href.startswith(("http://", "https://")) else "",
                )
            )
    return links


def _series_lines(dd: Tag) -> list[str]:
    spans = dd.find_all("span", class_="position")
    if spans:
        return [span.get_text(" ") for span in spans]
    return [dd.get_text(" ")]


def _labelled_blocks(container: Tag) -> dict[str, str]:
    """AO3 writes "<p>Summary</p><blockquote class="userstuff">…</blockquote>"."""
    blocks: dict[str, str] = {}
    # From each quote back to its label, not from every paragraph forward: a
    # container may be a whole story of paragraphs and hold two or three quotes.
    for quote in container.find_all("blockquote"):
        label = quote.find_previous_sibling()
        if label is None or label.name != "p":
            continue
        key = " ".join(label.get_text(" ", strip=True).lower().rstrip(":").split())
        key = {"chapter summary": "summary", "chapter notes": "notes", "chapter end notes": "end notes"}.get(key, key)
        key = "notes" if key.startswith("notes") else key
        key = "end notes" if key.startswith("end notes") else key
        if key in {"summary", "notes", "end notes", "disclaimer"} and key not in blocks:
            blocks[key] = plain_block(quote) if key == "disclaimer" else notes_markdown(quote)
    return blocks


def _ao3_chapters(soup: BeautifulSoup) -> list[ChapterDraft]:
    chapters: list[ChapterDraft] = []
    headings = [h for h in soup.select("h2.heading") if not h.find_parent(id="preface")]
    if not headings:
        container = soup.select_one("#chapters") or soup.body
        body = container.select_one("div.userstuff") if container else None
        if body is None and container is not None and "userstuff" in (container.get("class") or []):
            body = container
        if body is not None:
            for landmark in body.select("h3.landmark"):
                landmark.decompose()
            chapters.append(ChapterDraft(body=inner_html(body), body_format="html"))
        return chapters
    for heading in headings:
        group = heading.find_parent("div", class_="meta") or heading.parent
        body = group.find_next("div", class_="userstuff")
        if body is None:
            continue
        for landmark in body.select("h3.landmark"):
            landmark.decompose()
        labelled = _labelled_blocks(group)
        end_group = body.find_next_sibling("div", class_="meta")
        end_notes = ""
        if end_group is not None and end_group.select_one("h2.heading") is None:
            end_notes = _labelled_blocks(end_group).get("end notes", "")
        chapters.append(
            ChapterDraft(
                body=inner_html(body),
                body_format="html",
                title=fields.chapter_title(heading.get_text(" ", strip=True))[:255],
                summary=labelled.get("summary", ""),
                notes=labelled.get("notes", ""),
                end_notes=end_notes,
            )
        )
    return chapters


def fanficfare_fields_from_table(table: Tag) -> dict[str, Tag]:
    values: dict[str, Tag] = {}
    for row in table.find_all("tr"):
        cells = row.find_all("td")
        if len(cells) >= 2:
            values[label_key(cells[0].get_text())] = cells[1]
    return values


def apply_fanficfare(draft: WorkDraft, cells: dict[str, Tag]) -> None:
    """FanFicFare metadata (its table rows or title-page lines) onto the draft."""
    texts = {key: cell.get_text(" ", strip=True) for key, cell in cells.items() if key != "summary"}
    apply_fields(draft, texts)
    if "summary" in cells:
        draft.summary = notes_markdown(cells["summary"])
    for key in ("author's note", "note", "notes"):
        if key in cells:
            draft.notes = notes_markdown(cells[key])
            break
    if "chapter" in texts and draft.is_complete and texts["chapter"].isdigit():
        draft.expected_chapters = int(texts["chapter"])


def parse_fanficfare(soup: BeautifulSoup) -> WorkDraft:
    draft = WorkDraft()
    heading = soup.find("h1")
    if heading is not None:
        links = heading.find_all("a")
        draft.title = links[0].get_text(" ", strip=True) if links else heading.get_text(" ", strip=True)
        draft.creators = [a.get_text(strip=True) for a in heading.select("a.authorlink")]
        if links and links[0].get("href", "").startswith(("http://", "https://")):
            draft.source_url = links[0]["href"]
    apply_fanficfare(draft, fanficfare_fields_from_table(soup.select_one("table.full")))
    for anchor in soup.select("a[name^=section]"):
        title = anchor.find("h2")
        body = anchor.find_next_sibling("div")
        if title is None or body is None:
            continue
        chapter_heading = body.find("h3")
        if chapter_heading is not None and chapter_heading.get_text(strip=True) == title.get_text(strip=True):
            chapter_heading.decompose()
        draft.chapters.append(
            ChapterDraft(
                body=inner_html(body),
                body_format="html",
                title=fields.chapter_title(title.get_text(" ", strip=True))[:255],
            )
        )
    return draft


def read_labelled_metadata(container: Tag, draft: WorkDraft) -> bool:
    """Metadata written as `<dt>Label:</dt><dd>value</dd>` pairs or "<h2>Summary</h2>
    <blockquote>" sections, as Quire's downloads before the AO3 layout and the
    "Information" pages of e-book tools write it. Returns whether any was found."""
    values = {}
    for dt in container.find_all("dt"):
        dd = dt.find_next_sibling("dd")
        if dd is not None:
            values[label_key(dt.get_text())] = dd.get_text(" ", strip=True)
    if not values:
        return False
    apply_fields(draft, values)
    if values.get("creator"):
        draft.creators = [] if values["creator"] == "Anonymous" else fields.split_list(values["creator"])
    if values.get("title"):
        draft.title = values["title"]
    chapters = values.get("chapter", "")
    done, _, total = chapters.partition("/")
    if total:
        draft.expected_chapters = int(total) if total.isdigit() else None
    for heading in container.find_all(["h2", "h3"]):
        key = heading.get_text(" ", strip=True).lower()
        block = heading.find_next_sibling()
        if key in {"summary", "notes", "disclaimer", "end notes"} and block is not None:
            setattr(draft, key.replace(" ", "_"), plain_block(block) if key == "disclaimer" else notes_markdown(block))
    return True


def parse_labelled_page(soup: BeautifulSoup) -> WorkDraft:
    """Quire's HTML download before it followed AO3's layout: a `dl.meta` header
    and one `section.chapter` per chapter (h2 "Chapter N: Title", optional
    "Chapter notes"/"Chapter end notes" h3 + blockquote, the text in `div.text`)."""
    draft = WorkDraft()
    header = soup.find("header") or soup
    read_labelled_metadata(header, draft)
    heading = header.find("h1")
    draft.title = draft.title or (heading.get_text(" ", strip=True) if heading else "")
    for section in soup.select("section.chapter"):
        title = section.find("h2")
        body = section.select_one("div.text")
        notes = {}
        for label in section.find_all("h3"):
            block = label.find_next_sibling("blockquote")
            if block is not None:
                notes[label.get_text(" ", strip=True).lower()] = notes_markdown(block)
        draft.chapters.append(
            ChapterDraft(
                body=inner_html(body),
                body_format="html",
                title=fields.chapter_title(title.get_text(" ", strip=True))[:255] if title else "",
                summary=notes.get("chapter summary", ""),
                notes=notes.get("chapter notes", ""),
                end_notes=notes.get("chapter end notes", ""),
            )
        )
    end = soup.select_one("main > section:not(.chapter) blockquote")
    if end is not None:
        draft.end_notes = notes_markdown(end)
    return draft


def parse_plain(soup: BeautifulSoup) -> WorkDraft:
    """Any other HTML: the title from <h1> or <title>, the body as one chapter."""
    draft = WorkDraft()
    heading = soup.find("h1")
    title = soup.find("title")
    if heading is not None:
        draft.title = heading.get_text(" ", strip=True)
        heading.decompose()
    elif title is not None:
        draft.title = title.get_text(" ", strip=True)
    lang = soup.html.get("lang", "") if soup.html else ""
    draft.language = fields.parse_language(lang) if lang else ""
    draft.chapters = [ChapterDraft(body=inner_html(soup.body), body_format="html")]
    return draft
