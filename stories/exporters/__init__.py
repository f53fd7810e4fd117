"""Downloads: one module per format, each turning an ExportWork into bytes.

`export_work(work, "epub", url=...)` returns an ExportedFile with the bytes, the
content type and a safe filename made from the title."""

from stories.exporters.common import ExportedFile, load_work_for_export, safe_filename


def export_work(work, fmt: str, *, url: str) -> ExportedFile:
    from stories.exporters import epub, html, markdown, text

    module = {"epub": epub, "html": html, "txt": text, "md": markdown}[fmt]
    return ExportedFile(
        data=module.export(work, url=url),
        content_type=module.CONTENT_TYPE,
        filename=safe_filename(work.title, fmt, fallback=f"work-{work.pk}"),
    )


__all__ = ["ExportedFile", "export_work", "load_work_for_export", "safe_filename"]
