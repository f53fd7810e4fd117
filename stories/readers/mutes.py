"""A reader's own rules for what lists show them: muted tags (with their synonyms),
muted creators, single hidden works, works already read, works with too many tags
and stale works in progress. Applied in SQL so counts and pages stay right."""

import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from stories.models import ReaderPreference, ReadingPosition, TaggedWork, WorkCreator


def reader_preference(request) -> ReaderPreference | None:
    """The signed-in reader's preferences, fetched once per request."""
    if not request.user.is_authenticated:
        return None
    if not hasattr(request, "_quire_preference"):
        request._quire_preference = (
            ReaderPreference.objects.filter(user=request.user)
            .annotate(n_muted_tags=Count("muted_tags", distinct=True))
            .annotate(n_muted_creators=Count("muted_creators", distinct=True))
            .annotate(n_hidden_works=Count("hidden_works", distinct=True))
            .first()
        )
    return request._quire_preference


def has_mutes(preference: ReaderPreference | None) -> bool:
    """Whether any of the reader's rules can hide a work (reader_preference's counts
    say so without a query)."""
    if preference is None:
        return False
    return bool(
        preference.n_muted_tags
        or preference.n_muted_creators
        or preference.n_hidden_works
        or preference.hide_read_works
        or preference.max_tags is not None
        or preference.stale_wip_months
    )


def _mute_conditions(preference: ReaderPreference, now: datetime.datetime | None) -> list:
    """One SQL condition per rule the reader set, each true of a work that rule
    hides. `preference` comes from reader_preference() (it carries the counts)."""
    conditions = []
    if preference.n_muted_tags:
        # A muted tag takes its whole family (its canonical and every synonym of either):
        # they all share one root, whose key the works carry (Work.tag_keys, 0022).
        muted_keys = (
            preference.muted_tags.through.objects.filter(readerpreference_id=preference.pk)
            .annotate(
                key=Func(
                    Cast(Coalesce("tag__synonym_of_id", "tag_id"), IntegerField()),
                    Coalesce("tag__synonym_of__kind", "tag__kind"),
                    function="quire_tag_key",
                    output_field=IntegerField(),
                )
            )
            .values("key")
        )
        conditions.append(Q(tag_keys__overlap=ArraySubquery(muted_keys)))
    if preference.n_muted_creators:
        muted_users = preference.muted_creators.through.objects.filter(readerpreference_id=preference.pk).values(
            "user_id"
        )
        conditions.append(Exists(WorkCreator.objects.filter(work=OuterRef("pk"), user__in=muted_users)))
    if preference.n_hidden_works:
        hidden = preference.hidden_works.through.objects.filter(readerpreference_id=preference.pk).values("work_id")
        conditions.append(Q(pk__in=hidden))
    if preference.hide_read_works:
        conditions.append(Exists(ReadingPosition.objects.filter(work=OuterRef("pk"), user_id=preference.user_id)))
    if preference.max_tags is not None:
        tag_count = (
            TaggedWork.objects.filter(content_object=OuterRef("pk"))
            .order_by()
            .values("content_object")
            .annotate(n=Count("pk"))
            .values("n")
        )
        conditions.append(
            GreaterThan(Coalesce(Subquery(tag_count, output_field=IntegerField()), 0), preference.max_tags)
        )
    if preference.stale_wip_months:
        cutoff = (now or timezone.now()) - datetime.timedelta(days=30 * preference.stale_wip_months)
        conditions.append(Q(is_complete=False, updated_at__lt=cutoff))
    return conditions


def apply_mutes(queryset, preference: ReaderPreference | None, *, now: datetime.datetime | None = None):
    """`queryset` (of works) without what the reader's rules hide; unchanged for a
    guest (`preference` None) or a reader without rules."""
    if not has_mutes(preference):
        return queryset
    for condition in _mute_conditions(preference, now):
        queryset = queryset.exclude(condition)
    return queryset


def only_muted(queryset, preference: ReaderPreference | None, *, now: datetime.datetime | None = None):
    """The works of `queryset` that apply_mutes() would remove: those at least one
    of the reader's rules hides (none for a guest or a reader without rules). Its
    count is the "N works hidden by your mutes" of a list."""
    if not has_mutes(preference):
        return queryset.none()
    conditions = _mute_conditions(preference, now)
    hidden = Q(conditions[0])
    for condition in conditions[1:]:
        hidden |= Q(condition)
    return queryset.filter(hidden)
