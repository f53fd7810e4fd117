"""Fields and behaviour many models share."""

from django.db import models

from stories.core.rendering import render_inline_markdown
from stories.core.text import one_line


class Timestamped(models.Model):
    """When a row was created and last saved (timezone-aware datetimes, set by Django)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RenderedText:
    """Mixin (before models.Model) for a model with a one-line `title` and author-written
    inline Markdown fields, each keeping its sanitised HTML in `<name>_html`.

    INLINE_MARKDOWN names those fields; render_text() makes the title one line and fills
    the HTML copies (bulk inserts call it instead of save); save() calls it on every path
    (forms, admin, imports) and adds what it sets to a partial save's update_fields.
    A subclass that derives more fields extends render_text() and DERIVED."""

    INLINE_MARKDOWN: tuple[str, ...] = ("summary", "notes", "end_notes")
    DERIVED: tuple[str, ...] = ()

    def render_text(self) -> None:
        self.title = one_line(self.title)
        for name in self.INLINE_MARKDOWN:
            setattr(self, f"{name}_html", render_inline_markdown(getattr(self, name)))

    def save(self, *args, **kwargs):
        self.render_text()
        if kwargs.get("update_fields") is not None:
            rendered = (f"{name}_html" for name in self.INLINE_MARKDOWN)
            kwargs["update_fields"] = {*kwargs["update_fields"], "title", *rendered, *self.DERIVED}
        super().save(*args, **kwargs)
