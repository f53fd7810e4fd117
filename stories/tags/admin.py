"""The Tag admin and its wrangling actions. Actions that need a second tag (the
canonical, the parent fandom, the merge target) show an intermediate form; every
change is written to the admin log (LogEntry) against each tag it touched."""

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AutocompleteSelect
from django.template.response import TemplateResponse

from stories.models import Tag, TagKind
from stories.tags.names import MAX_TAG_LENGTH, tag_name_for_kind
from stories.tags.wrangling import (
    WranglingError,
    tags_make_synonyms,
    tags_mark_canonical,
    tags_merge,
    tags_set_parent,
)


class TargetTagForm(forms.Form):
    """The second tag of a wrangling action, picked by autocomplete (an archive has
    far too many tags for one select). `via` names the Tag field whose autocomplete
    rules apply (see TagAdmin.get_search_results); `queryset` is what validation
    accepts, so a tag typed in by hand is checked as well."""

    target = forms.ModelChoiceField(queryset=Tag.objects.none(), label="Tag")

    def __init__(self, *args, queryset, label: str, via: str, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        # The widget first: setting the queryset hands the widget its choices.
        self.fields["target"].widget = AutocompleteSelect(Tag._meta.get_field(via), admin_site)
        self.fields["target"].queryset = queryset
        self.fields["target"].label = label
        self.fields["target"].error_messages["invalid_choice"] = (
            "Choose another tag: not one of the selected tags, and one that can take this role."
        )


def with_target(*, label: str, via: str, log: str, kinds: list[str] | None = None):
    """Turns `method(self, tags, target) -> message for the moderator` into an admin
    action that first asks for the second tag (TagWranglingMixin._with_target). The
    target must be of `kinds`, or else of the selected tags' own kinds; `via` is the
    Tag field whose autocomplete offers it; `label` names it on the form; `log` is
    the admin-log line written for each tag, formatted with `target`. The form's
    title is the method's name in words ("make_synonyms" -> "Make synonyms")."""

    def decorate(method):
        @functools.wraps(method)
        def action(self, request, queryset):
            targets = _targets_for(queryset).filter(kind__in=kinds or _kinds(queryset))
            return self._with_target(
                request,
                queryset,
                action=method.__name__,
                title=method.__name__.replace("_", " ").capitalize(),
                label=label,
                targets=targets,
                via=via,
                apply=lambda tags, target: (log.format(target=target), method(self, tags, target)),
            )

        return action

    return decorate


class TagWranglingMixin:
    """Mixed into TagAdmin."""

    actions = ["mark_canonical", "make_synonyms", "set_parent_fandom", "merge_tags"]

    @admin.action(description="Mark the selected tags canonical", permissions=["change"])
    def mark_canonical(self, request, queryset):
        changed = tags_mark_canonical(tags=list(queryset))
        for tag in changed:
            self.log_change(request, tag, "Marked canonical.")
        self.message_user(request, f"Marked {len(changed)} tag(s) canonical.")

    @admin.action(description="Make the selected tags synonyms of…", permissions=["change"])
    @with_target(label="Canonical tag", via="synonym_of", log="Made a synonym of “{target.name}” (#{target.pk}).")
    def make_synonyms(self, tags, target):
        tags_make_synonyms(tags=tags, canonical=target)
        return f"{len(tags)} tag(s) are now synonyms of “{target.name}”."

    @admin.action(description="Set the parent fandom of the selected tags…", permissions=["change"])
    @with_target(
        label="Parent fandom",
        via="parents",
        kinds=[TagKind.FANDOM],
        log="Added parent fandom “{target.name}” (#{target.pk}).",
    )
    def set_parent_fandom(self, tags, target):
        changed = tags_set_parent(tags=tags, parent=target)
        return f"{len(changed)} tag(s) now belong to “{target.name}”."

    @admin.action(description="Merge the selected tags into…", permissions=["change"])
    @with_target(
        label="Merge into",
        via="synonym_of",
        log="Merged into “{target.name}” (#{target.pk}): works moved, tag kept as a synonym.",
    )
    def merge_tags(self, tags, target):
        moved = tags_merge(tags=tags, into=target)
        return f"Merged into “{target.name}”; {moved} tagging(s) moved."

    def _with_target(self, request, queryset, *, action, title, label, targets, via, apply):
        """First call: show the form. Second call (the form posted back with
        "apply"): validate, run `apply(tags, target)` -> (log line for each tag,
        message for the moderator), log each tag and the target."""
        tags = list(queryset.order_by("name"))
        form = TargetTagForm(
            request.POST if "apply" in request.POST else None,
            queryset=targets,
            label=label,
            via=via,
            admin_site=self.admin_site,
        )
        if "apply" in request.POST and form.is_valid():
            target = form.cleaned_data["target"]
            try:
                log, done = apply(tags, target)
            except WranglingError as error:
                self.message_user(request, str(error), level=messages.ERROR)
                return None
            for tag in tags:
                self.log_change(request, tag, log)
            self.log_change(request, target, f"{title}: {', '.join(tag.name for tag in tags)}.")
            self.message_user(request, done)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "tags": tags,
            "form": form,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/stories/tag/wrangle.html", context)


def _targets_for(queryset):
    """Tags that may receive the selected ones: canonical-able (not a synonym) and
    never one of the selection itself."""
    return Tag.objects.filter(synonym_of__isnull=True).exclude(pk__in=queryset.values("pk"))


def _kinds(queryset) -> list[str]:
    return list(queryset.values_list("kind", flat=True).distinct())


class TagAdminForm(forms.ModelForm):
    """A tag's name in the normal form every other path uses (tags.names), unique per
    kind without regard to case: a clear message instead of a database error."""

    class Meta:
        model = Tag
        fields = ["name", "kind", "canonical", "synonym_of", "parents"]

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or self.instance.kind
        if "name" in data:
            name = tag_name_for_kind(kind, data["name"])
            if not name:
                self.add_error("name", "A tag name needs at least one visible character.")
            elif len(name) > MAX_TAG_LENGTH:
                self.add_error("name", f"A tag may be at most {MAX_TAG_LENGTH} characters (this one has {len(name)}).")
            else:
                data["name"] = self.instance.name = name
                if Tag.objects.filter(kind=kind).named(name).exclude(pk=self.instance.pk).exists():
                    self.add_error("name", f"There is already a {kind} tag “{name}”: merge into it instead.")
        return data


@admin.register(Tag)
class TagAdmin(TagWranglingMixin, admin.ModelAdmin):
    form = TagAdminForm
    list_display = ["name", "kind", "canonical", "synonym_of"]
    list_filter = ["kind", "canonical"]
    search_fields = ["name"]
    autocomplete_fields = ["synonym_of", "parents"]
    prepopulated_fields = {}
    readonly_fields = ["slug"]
    list_select_related = ["synonym_of"]

    def get_search_results(self, request, queryset, search_term):
        """Autocomplete for a wrangling target offers only tags that can be one: no
        synonyms as a canonical, only fandoms as a parent. (The tag itself and the
        selected tags are refused by the forms' querysets, with a message.)"""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/") and request.GET.get("model_name") == "tag":
            field = request.GET.get("field_name")
            if field in {"synonym_of", "parents"}:
                queryset = queryset.filter(synonym_of__isnull=True)
            if field == "parents":
                queryset = queryset.filter(kind=TagKind.FANDOM)
        return queryset, may_have_duplicates

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            # The change form's own choices never offer the tag itself.
            for name in ("synonym_of", "parents"):
                if name in form.base_fields:
                    form.base_fields[name].queryset = form.base_fields[name].queryset.exclude(pk=obj.pk)
        return form


# Quire's Tag is the only tag admin: taggit registers its own (generic) Tag model's,
# which Quire never fills, so moderators would see an empty second "Tags".
try:
    from taggit.models import Tag as TaggitTag

    admin.site.unregister(TaggitTag)
except (ImportError, admin.sites.NotRegistered):
    pass
