"""One module per input format; each returns a WorkDraft or raises ImportFailed."""

from pathlib import PurePath

from stories.importers.base import ImportFailed, WorkDraft, check_size, review_messages


def parse_upload(filename: str, data: bytes) -> WorkDraft:
    """Pick the importer by the file's extension."""
    from stories.importers import text

    check_size(data)
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in {".txt", ".text", ""}:
        return text.parse(data, body_format="text")
    if suffix in {".md", ".markdown"}:
        return text.parse(data, body_format="markdown")
    if suffix in {".html", ".htm", ".xhtml"}:
        from stories.importers import html

        return html.parse(data)
    if suffix == ".epub":
        from stories.importers import epub

        return epub.parse(data)
    raise ImportFailed(f"Quire cannot read {suffix} files. Upload .txt, .md, .html or .epub.")


__all__ = ["ImportFailed", "WorkDraft", "parse_upload", "review_messages"]
