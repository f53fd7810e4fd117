"""Forms for what readers write: comments, bookmarks, reports and preferences.
Forms validate; services_readers changes the database."""

from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict

from stories.core.requests import form_errors
from stories.core.text import one_line
from stories.discovery.filters import WorkFilterForm, filter_query_string
from stories.models import Tag
from stories.readers.services import (
    BOOKMARK_NOTE_MAX_CHARS,
    COMMENT_MAX_CHARS,
    REPORT_MAX_CHARS,
    ReaderActionRefused,
    bookmark_tags_parse,
)
from stories.tags.names import clean_tag_name

User = get_user_model()


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown is allowed.",
    )
    guest_name = forms.CharField(label="Your name", max_length=100, required=False)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def clean_guest_name(self) -> str:
        return one_line(self.cleaned_data["guest_name"])


class CommentEditForm(forms.Form):
    body = forms.CharField(label="Comment", max_length=COMMENT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 6}))


class BookmarkForm(forms.Form):
    note = forms.CharField(
        label="Your note",
        max_length=BOOKMARK_NOTE_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown is allowed.",
    )
    tags = forms.CharField(
        label="Your tags", max_length=2000, required=False, help_text="Comma separated; only for your bookmarks."
    )
    is_private = forms.BooleanField(label="Private bookmark", required=False)
    for_later = forms.BooleanField(label="Mark for later (private)", required=False)

    @classmethod
    def for_bookmark(cls, bookmark) -> "BookmarkForm":
        """An unbound form to write a new bookmark (`bookmark` None) or to edit the
        reader's `bookmark` of a work or a series."""
        if bookmark is None:
            return cls()
        initial = {
            "note": bookmark.note,
            "tags": ", ".join(bookmark.tags),
            "is_private": bookmark.is_private,
            "for_later": bookmark.for_later,
        }
        return cls(initial=initial)

    def clean_tags(self) -> list[str]:
        try:
            return bookmark_tags_parse(",".join(one_line(part) for part in self.cleaned_data["tags"].split(",")))
        except ReaderActionRefused as error:
            raise forms.ValidationError(str(error)) from None


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong?", max_length=REPORT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 5})
    )


def _names(raw: str) -> list[str]:
    return [name for name in (one_line(part) for part in raw.split(",")) if name]


class UsernamesField(forms.CharField):
    """Comma-separated usernames (at most 5,000 characters) -> the list of those users.
    ValidationError names every username that matches no one."""

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=5000, **kwargs)

    def clean(self, value) -> list:
        names = _names(super().clean(value))
        users = list(User.objects.filter(username__in=names))
        unknown = sorted(set(names) - {u.username for u in users})
        if unknown:
            raise forms.ValidationError("No user named: " + ", ".join(unknown))
        return users


class PreferenceForm(forms.Form):
    show_content_notices = forms.BooleanField(
        label="Show a content notice before Mature, Explicit and Not Rated works", required=False
    )
    hide_read_works = forms.BooleanField(label="Hide works I have already read", required=False)
    max_tags = forms.IntegerField(label="Hide works with more tags than", required=False, min_value=1, max_value=500)
    stale_wip_months = forms.IntegerField(
        label="Hide works in progress not updated for this many months", required=False, min_value=1, max_value=600
    )
    muted_tags = forms.CharField(
        label="Muted tags",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Comma separated tag names; works with these tags (or their synonyms) are hidden everywhere.",
    )
    muted_creators = UsernamesField(
        label="Muted authors", help_text="Comma separated usernames; their works are hidden everywhere."
    )
    allow_guest_comments = forms.BooleanField(label="Allow comments from guests on my works", required=False)
    allow_creator_invitations = forms.BooleanField(
        label="Let anyone invite me to be a co-creator of their work",
        required=False,
        help_text="Off: only the people listed below may invite you. You accept or decline each invitation.",
    )
    invitations_from = UsernamesField(
        label="People who may always invite me to co-create", help_text="Comma separated usernames."
    )

    def clean_muted_tags(self) -> list[Tag]:
        tags, unknown = [], []
        for name in _names(self.cleaned_data["muted_tags"]):
            # The normal form every tag path uses (tags.names): any spelling finds it.
            name = clean_tag_name(name)
            tag = Tag.objects.named(name).order_by("pk").first()
            if tag is None:
                unknown.append(name)
            elif tag not in tags:
                tags.append(tag)
        if unknown:
            raise forms.ValidationError("No tag named: " + ", ".join(unknown))
        return tags


class DefaultFilterForm(forms.Form):
    """The filters of a works list (its query string) to save as the reader's default
    filter, or "" to clear it. Only filter fields are kept (filter_query_string); a
    filter the works index would refuse (an unknown tag, a range that ends before it
    starts) is refused here, so a saved default never gives an error page."""

    filters = forms.CharField(required=False, max_length=2000)

    def clean_filters(self) -> str:
        raw = self.cleaned_data["filters"].strip().lstrip("?")
        if any(c in raw for c in "\r\n#") or "://" in raw:
            raise forms.ValidationError("That is not a works filter.")
        params = QueryDict(raw)
        kept = filter_query_string(params)
        if raw and not kept:
            raise forms.ValidationError("That is not a works filter.")
        form = WorkFilterForm(QueryDict(kept))
        if not form.is_valid():
            raise forms.ValidationError(form_errors(form))
        return kept
