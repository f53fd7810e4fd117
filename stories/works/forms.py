"""Forms for accounts and authoring. Forms validate; services (stories.works.services) write."""

import datetime
import re

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils import timezone

from stories.core.rendering import render_problem
from stories.core.text import one_line
from stories.importers.base import ChapterDraft, LinkDraft, WorkDraft
from stories.models import Category, Rating, Series, TextFormat, Warning, Work, WorkLink
from stories.tags.names import MAX_TAG_LENGTH, split_tag_names
from stories.works import rules
from stories.works.consent import invitation_refusal, invitations_pending

User = get_user_model()

# AO3's own limits, which authors already know (works.rules holds them).
MAX_TAGS = rules.MAX_TAGS
MAX_SUMMARY = rules.MAX_SUMMARY
MAX_NOTES = rules.MAX_NOTES
MAX_CHAPTER_CHARS = rules.MAX_CHAPTER_CHARS
MAX_CHAPTERS = rules.MAX_CHAPTERS
MAX_CO_CREATORS = 10
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
WORK_URL_RE = re.compile(r"(?:^|/works/)(?P<id>\d{1,18})/?(?:[?#].*)?$")


def co_creators_clean(value: str, *, inviter, work: Work | None) -> list:
    """The users named in `value` (comma-separated usernames, any case) other than
    `inviter`, in order, each of whom takes invitations from `inviter` (or is already a
    creator of, or invited to, `work`). Raises ValidationError naming the first name
    that is unknown or refused, or when there are more than MAX_CO_CREATORS names.
    Used by the post and edit forms and by the moderators' work admin."""
    names = split_tags(value)
    if len(names) > MAX_CO_CREATORS:
        raise ValidationError(f"A work may have at most {MAX_CO_CREATORS} co-creators.")
    users = []
    for name in names:
        user = User.objects.filter(username__iexact=name, is_active=True).first()
        if user is None:
            raise ValidationError(f"There is no user called “{name[:150]}”.")
        if user.pk != inviter.pk and user not in users:
            users.append(user)
    already = set()
    if work is not None and work.pk:
        already = set(work.creator_links.values_list("user_id", flat=True))
        already |= set(work.creator_invitations.values_list("user_id", flat=True))
    for user in users:
        if user.pk not in already and (refusal := invitation_refusal(invitee=user, inviter=inviter)):
            raise ValidationError(refusal)
    return users


class TextField(forms.CharField):
    """A CharField whose length is counted as the browser's maxlength counts it: line
    endings become LF before validation (a browser sends CRLF but counts one
    character), and LF is what is stored."""

    def to_python(self, value):
        value = super().to_python(value)
        return rules.normalise_newlines(value) if isinstance(value, str) else value


class MarkdownField(TextField):
    """A TextField shown as Markdown (summaries and notes): text past the rendering
    bounds (core.limits: nesting, brackets, time) is refused with the limit named."""

    def validate(self, value):
        super().validate(value)
        if value and (problem := render_problem(value, "inline", what="This text")):
            raise ValidationError(problem)


def split_tags(value: str) -> list[str]:
    """ "a, b,, A" -> ["a", "b"]: comma-separated, blanks and repeats dropped."""
    seen, names = set(), []
    for part in value.split(","):
        name = one_line(part)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


class TagListField(forms.CharField):
    """Comma-separated tag names; each at most MAX_TAG_LENGTH characters."""

    def __init__(self, *, datalist: str, kind: str = "", **kwargs):
        self.kind = kind
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20_000)
        kwargs.setdefault("help_text", "Separate tags with commas.")
        forms.CharField.__init__(self, **kwargs)
        self.widget.attrs.update({"list": datalist, "autocomplete": "off"})

    def to_python(self, value):
        # The names in the normal form every tag path uses (tags.names), so what the
        # form checks is what is stored.
        return split_tag_names(super().to_python(value) or "", self.kind)

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        long = [name for name in value if len(name) > MAX_TAG_LENGTH]
        if long:
            raise ValidationError(
                f"A tag may be at most {MAX_TAG_LENGTH} characters: “{long[0][:40]}…” has {len(long[0])}."
            )


class WorkForm(forms.Form):
    """A work's metadata: used to post, to review an upload and to edit. The form page
    shows its fields in FIELDSETS' groups and order (see the `fieldsets` property)."""

    FIELDSETS = {
        "work": ("title", "co_creators"),
        "tags": ("rating", "warnings", "categories", "fandoms", "relationships", "characters", "freeforms"),
        "preface": ("summary", "disclaimer", "notes", "end_notes"),
        "series": ("series", "new_series", "series_position"),
        "status": ("language", "published_on", "is_complete", "expected_chapters", "restricted"),
    }

    @property
    def fieldsets(self) -> dict[str, list[forms.BoundField]]:
        """{group: [bound field, …]} as FIELDSETS lists them, for the template."""
        return {group: [self[name] for name in names] for group, names in self.FIELDSETS.items()}

    title = TextField(max_length=255)
    co_creators = forms.CharField(
        required=False,
        max_length=2000,
        label="Co-creators",
        help_text=(
            "Usernames of other authors of this work, separated by commas. "
            "Each is invited and shows as a creator only after accepting."
        ),
    )
    summary = MarkdownField(
        required=False,
        max_length=MAX_SUMMARY,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown. At most 1,250 characters.",
    )
    disclaimer = TextField(required=False, max_length=MAX_NOTES, widget=forms.Textarea(attrs={"rows": 2}))
    notes = MarkdownField(
        required=False, max_length=MAX_NOTES, label="Beginning notes", widget=forms.Textarea(attrs={"rows": 3})
    )
    end_notes = MarkdownField(required=False, max_length=MAX_NOTES, widget=forms.Textarea(attrs={"rows": 3}))
    rating = forms.ChoiceField(choices=Rating.choices, initial=Rating.NOT_RATED)
    warnings = forms.MultipleChoiceField(
        choices=Warning.choices, widget=forms.CheckboxSelectMultiple, label="Archive warnings"
    )
    categories = forms.MultipleChoiceField(
        choices=Category.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    fandoms = TagListField(
        datalist="tags-fandom",
        kind="fandom",
        label="Fandoms",
        required=True,
        error_messages={"required": "A work needs at least one fandom."},
        help_text="At least one. Separate tags with commas.",
    )
    relationships = TagListField(datalist="tags-relationship", kind="relationship", label="Relationships")
    characters = TagListField(datalist="tags-character", kind="character", label="Characters")
    freeforms = TagListField(datalist="tags-freeform", kind="freeform", label="Additional tags")
    language = forms.CharField(
        max_length=16, initial="en", help_text="A language code: en, es, de, ja, pt-BR …", widget=forms.TextInput()
    )
    published_on = forms.DateField(
        label="Published", widget=forms.DateInput(attrs={"type": "date"}), help_text="May be in the past."
    )
    updated_on = forms.DateField(
        required=False,
        label="Last updated",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For a work first posted elsewhere: the day it was last updated there. Empty means the published date.",
    )
    series = forms.ModelChoiceField(
        queryset=Series.objects.none(), required=False, empty_label="(none)", label="Add to your series"
    )
    new_series = forms.CharField(required=False, max_length=255, label="…or start a new series called")
    series_position = forms.IntegerField(
        required=False, min_value=1, max_value=10_000, label="Part number", help_text="Empty means last."
    )
    leave_series = forms.ModelMultipleChoiceField(
        queryset=Series.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Take this work out of",
    )
    is_complete = forms.BooleanField(
        required=False,
        label="This work is complete",
        help_text="Complete means its chapters reach the expected number (2/2); empty expected number means all of them.",
    )
    expected_chapters = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_CHAPTERS,
        label="Expected number of chapters",
        help_text="Leave empty if you do not know yet (shown as 1/?).",
    )
    restricted = forms.BooleanField(required=False, label="Only show to signed-in readers")

    def __init__(self, *args, user, work: Work | None = None, **kwargs):
        self.user = user
        self.work = work
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = Series.objects.filter(creators=user).order_by("title")
        if work is not None:
            self.fields["leave_series"].queryset = Series.objects.filter(parts__work=work).order_by("title")
        self.fields["published_on"].initial = timezone.localdate
        self.fields["warnings"].error_messages["required"] = (
            "Choose at least one archive warning (or “Creator Chose Not To Use Archive Warnings”)."
        )

    def clean_title(self):
        title = one_line(self.cleaned_data["title"])
        if not title:
            raise ValidationError("A work needs a title.")
        return title

    def clean_co_creators(self):
        return co_creators_clean(self.cleaned_data["co_creators"], inviter=self.user, work=self.work)

    def clean_new_series(self):
        return one_line(self.cleaned_data["new_series"])

    def clean_language(self):
        language = self.cleaned_data["language"].strip()
        if not LANGUAGE_RE.match(language):
            raise ValidationError("Give a language code such as en, es, de or pt-BR.")
        return language

    def clean_published_on(self):
        published = self.cleaned_data["published_on"]
        if published > timezone.localdate():
            raise ValidationError("The published date cannot be in the future.")
        if published.year < 1900:
            raise ValidationError("The published date is too far in the past.")
        return published

    def clean(self):
        data = super().clean()
        # AO3's rules (works.rules): the ones a single field cannot check alone.
        problems = []
        if "warnings" in data:
            problems += rules.warning_problems(data["warnings"])
        tags = {field: data.get(field) or [] for field in rules.TAG_FIELD_LABELS}
        problems += [p for p in rules.tag_problems(tags) if p.field == ""]
        if self.work is not None and "expected_chapters" in data:
            count = self.work.chapter_count
            expected, problem = rules.expected_for(
                marked_complete=bool(data.get("is_complete")), expected=data["expected_chapters"], chapters=count
            )
            problems += [problem] if problem else []
            problem = rules.chapter_count_problem(chapters=count, expected=expected)
            problems += [problem] if problem else []
        for problem in problems:
            self.add_error(problem.field or None, problem.message)
        updated, published = data.get("updated_on"), data.get("published_on")
        if updated and published and updated < published:
            self.add_error("updated_on", "Last updated cannot be before the published date.")
        elif updated and updated > timezone.localdate():
            self.add_error("updated_on", "Last updated cannot be in the future.")
        if data.get("series") and data.get("new_series"):
            self.add_error("new_series", "Choose an existing series or name a new one, not both.")
        return data

    def tags_by_kind(self) -> dict[str, list[str]]:
        return {field: self.cleaned_data[field] for field in ("fandoms", "relationships", "characters", "freeforms")}

    def work_fields(self) -> dict:
        """The Work columns this form sets."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "disclaimer": data["disclaimer"],
            "notes": data["notes"],
            "end_notes": data["end_notes"],
            "rating": data["rating"],
            "warnings": data["warnings"],
            "categories": data["categories"],
            "language": data["language"],
            "published_on": data["published_on"],
            "is_complete": data["is_complete"],
            "expected_chapters": data["expected_chapters"],
            "restricted": data["restricted"],
        } | self._updated_at()

    def _updated_at(self) -> dict:
        """A new work's "updated" date: the one given (a work first posted elsewhere),
        or a back-dated published date; otherwise now. An edit keeps its own."""
        if self.work is not None:
            return {}
        day = self.cleaned_data.get("updated_on") or self.cleaned_data["published_on"]
        if day >= timezone.localdate():
            return {}
        return {"updated_at": timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))}

    @classmethod
    def initial_from_draft(cls, draft: WorkDraft) -> dict:
        initial = {
            "title": draft.title[:255],
            "summary": draft.summary,
            "disclaimer": draft.disclaimer,
            "notes": draft.notes,
            "end_notes": draft.end_notes,
            "rating": draft.rating or Rating.NOT_RATED,
            # A file that names no archive warning: the honest default, which the author reviews.
            "warnings": draft.warnings or [Warning.NO_WARNINGS_CHOSEN],
            "categories": draft.categories,
            "fandoms": ", ".join(draft.fandoms),
            "relationships": ", ".join(draft.relationships),
            "characters": ", ".join(draft.characters),
            "freeforms": ", ".join(draft.freeforms),
            "language": draft.language or "en",
            "is_complete": draft.is_complete,
            "expected_chapters": draft.expected_chapters,
        }
        if draft.published_on or draft.updated_on:
            initial["published_on"] = draft.published_on or draft.updated_on
        if draft.updated_on:
            initial["updated_on"] = draft.updated_on
        if "published" in draft.unread_dates and not draft.published_on:
            # The file gives a date Quire could not read: ask for it, never assume today.
            initial["published_on"] = None
        if draft.series:
            initial["new_series"], initial["series_position"] = draft.series[0]
        return initial

    @classmethod
    def initial_from_work(cls, work: Work, user) -> dict:
        tags = {kind: [] for kind in ("fandom", "relationship", "character", "freeform")}
        for item in work.tagged_items.select_related("tag").order_by("tag__name"):
            tags[item.tag.kind].append(item.tag.name)
        return {
            "title": work.title,
            # Pending invitees too, so saving the form does not withdraw their invitations.
            "co_creators": ", ".join(
                [u.username for u in work.creators.exclude(pk=user.pk).order_by("creator_links__position")]
                + [u.username for u in invitations_pending(work=work)]
            ),
            "summary": work.summary,
            "disclaimer": work.disclaimer,
            "notes": work.notes,
            "end_notes": work.end_notes,
            "rating": work.rating,
            "warnings": work.warnings,
            "categories": work.categories,
            "fandoms": ", ".join(tags["fandom"]),
            "relationships": ", ".join(tags["relationship"]),
            "characters": ", ".join(tags["character"]),
            "freeforms": ", ".join(tags["freeform"]),
            "language": work.language,
            "published_on": work.published_on,
            "is_complete": work.is_complete,
            "expected_chapters": work.expected_chapters,
            "restricted": work.restricted,
        }


class LinkForm(forms.Form):
    """One related work: a work on Quire (its address or number) or a title and author."""

    kind = forms.ChoiceField(choices=[("", "(no link)"), *WorkLink.Kind.choices], required=False, label="This work is")
    work = forms.CharField(
        required=False, max_length=300, label="Work on Quire", help_text="Its address or number, if it is posted here."
    )
    title = forms.CharField(required=False, max_length=255, label="…or its title")
    author = forms.CharField(
        required=False, max_length=150, label="by", help_text="Leave empty if it is your own work."
    )

    def clean(self):
        data = super().clean()
        for field in ("title", "author"):
            data[field] = one_line(data.get(field))
        if not data.get("kind"):
            return data
        if data.get("work"):
            match = WORK_URL_RE.search(data["work"].strip())
            target = Work.objects.listed().filter(pk=int(match.group("id"))).first() if match else None
            if target is None:
                self.add_error("work", "There is no posted work at that address.")
            data["target"] = target
        elif not data.get("title", "").strip():
            self.add_error("title", "Name the related work, or give its address on Quire.")
        return data

    def link(self) -> LinkDraft | tuple[str, Work] | None:
        data = self.cleaned_data
        if not data.get("kind"):
            return None
        if data.get("target") is not None:
            return (data["kind"], data["target"])
        return LinkDraft(kind=data["kind"], title=data["title"].strip(), author=data["author"].strip())


LinkFormSet = formset_factory(LinkForm, extra=1, max_num=20, validate_max=True)


class ChapterForm(forms.Form):
    title = forms.CharField(required=False, max_length=255, label="Chapter title")
    summary = MarkdownField(
        required=False, max_length=MAX_SUMMARY, widget=forms.Textarea(attrs={"rows": 2}), label="Chapter summary"
    )
    notes = MarkdownField(
        required=False, max_length=MAX_NOTES, widget=forms.Textarea(attrs={"rows": 2}), label="Chapter notes"
    )
    body_format = forms.ChoiceField(
        choices=TextFormat.choices, initial=TextFormat.MARKDOWN, label="Text format", widget=forms.Select()
    )
    body = TextField(
        max_length=MAX_CHAPTER_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        label="Chapter text",
        error_messages={"required": "A chapter needs some text."},
    )
    end_notes = MarkdownField(
        required=False, max_length=MAX_NOTES, widget=forms.Textarea(attrs={"rows": 2}), label="Chapter end notes"
    )

    def clean_title(self):
        return one_line(self.cleaned_data["title"])

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise ValidationError("A chapter needs some text.")
        return body

    def clean(self):
        data = super().clean()
        # Rendered once here (and kept for the save): text past the bounds of
        # core.limits is refused with the limit named, before anything is saved.
        body, body_format = data.get("body"), data.get("body_format")
        if body and body_format and (problem := render_problem(body, body_format, what="The chapter text")):
            self.add_error("body", problem)
        return data

    def chapter_fields(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in ("title", "summary", "notes", "body", "body_format", "end_notes")
        }

    def draft(self) -> ChapterDraft:
        return ChapterDraft(**self.chapter_fields())


ChapterFormSet = formset_factory(
    ChapterForm, extra=0, min_num=1, validate_min=True, max_num=MAX_CHAPTERS, validate_max=True
)


def chapter_initial_from_draft(chapter: ChapterDraft) -> dict:
    return {
        "title": chapter.title[:255],
        "summary": chapter.summary,
        "notes": chapter.notes,
        "body": chapter.body,
        "body_format": chapter.body_format,
        "end_notes": chapter.end_notes,
    }


def link_initial_from_draft(link: LinkDraft) -> dict:
    return {"kind": link.kind, "title": link.title, "author": link.author}


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Story file",
        help_text=(
            f"A .txt, .md, .html or .epub file, at most {settings.QUIRE_MAX_UPLOAD_MB} MB — "
            "FanFiction.Net-style text, AO3 downloads and FanFicFare files are understood."
        ),
        error_messages={"required": "Choose a file to upload.", "empty": "The file is empty."},
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.markdown,.html,.htm,.xhtml,.epub"}),
    )


class SeriesForm(forms.Form):
    """A series' own words, as its creators edit them, with AO3's limits for a
    series (title 255, description 1,250, notes 5,000 characters as a browser
    counts them). Description and notes are Markdown, sanitised when saved."""

    title = TextField(max_length=rules.MAX_TITLE)
    description = TextField(
        required=False,
        max_length=MAX_SUMMARY,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the series is about. Markdown is allowed.",
    )
    notes = TextField(
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Anything readers should know before they start. Markdown is allowed.",
    )
    is_complete = forms.BooleanField(required=False, label="The series is complete")

    def clean_title(self) -> str:
        title = one_line(self.cleaned_data["title"])
        if not title:
            raise ValidationError("A series needs a title.")
        return title


class ReorderForm(forms.Form):
    """New positions for a work's chapters: one number field per chapter."""

    def __init__(self, *args, chapters, **kwargs):
        super().__init__(*args, **kwargs)
        self.chapters = list(chapters)
        for chapter in self.chapters:
            self.fields[f"chapter_{chapter.pk}"] = forms.IntegerField(
                min_value=1,
                max_value=len(self.chapters),
                initial=chapter.position,
                label=chapter.display_title,
            )

    def clean(self):
        data = super().clean()
        positions = [data.get(f"chapter_{c.pk}") for c in self.chapters]
        if None not in positions and len(set(positions)) != len(positions):
            raise ValidationError("Give each chapter a different position.")
        return data

    def rows(self) -> list[tuple]:
        """(chapter, its position field) pairs, for a table with one row per chapter."""
        return [(chapter, self[f"chapter_{chapter.pk}"]) for chapter in self.chapters]

    def ordered_ids(self) -> list[int]:
        return [c.pk for c in sorted(self.chapters, key=lambda c: self.cleaned_data[f"chapter_{c.pk}"])]
