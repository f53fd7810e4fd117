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
    """Mixin (before models.Model) for a model whose author-written text is kept twice:
    one-line fields (ONE_LINE, a title) and inline Markdown fields (INLINE_MARKDOWN),
    each of the latter keeping its sanitised HTML in `<name>_html`.

    render_text() makes the one-line fields one line and fills the HTML copies (bulk
    inserts and rerender_text call it instead of save); save() calls it on every path
    (forms, admin, imports) and adds what it sets to a partial save's update_fields.
    A subclass that derives more fields extends render_text() and DERIVED."""

    ONE_LINE: tuple[str, ...] = ("title",)
    INLINE_MARKDOWN: tuple[str, ...] = ("summary", "notes", "end_notes")
    DERIVED: tuple[str, ...] = ()

    @classmethod
    def rendered_fields(cls) -> tuple[str, ...]:
        """The fields render_text() sets: ("title", "summary_html", …, *DERIVED)."""
        return (*cls.ONE_LINE, *(f"{name}_html" for name in cls.INLINE_MARKDOWN), *cls.DERIVED)

    def render_text(self) -> None:
        for name in self.ONE_LINE:
            setattr(self, name, one_line(getattr(self, name)))
        for name in self.INLINE_MARKDOWN:
            setattr(self, f"{name}_html", render_inline_markdown(getattr(self, name)))

    def save(self, *args, **kwargs):
        self.render_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.rendered_fields()}
        super().save(*args, **kwargs)
