"""A reader's own rules for what lists show them: muted tags (with their synonyms),
muted creators, single hidden works, works already read, works with too many tags
and stale works in progress. Applied in SQL so counts and pages stay right."""

import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from stories.models import ReaderPreference, ReadingPosition, Tag, TaggedWork, WorkCreator


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


def apply_mutes(queryset, preference: ReaderPreference | None, *, now: datetime.datetime | None = None):
    if preference is None:
        return queryset
    if preference.n_muted_tags:
        muted = preference.muted_tags.through.objects.filter(readerpreference_id=preference.pk).values("tag_id")
        # A muted tag takes its whole family: its canonical and every synonym of either.
        roots = Tag.objects.filter(pk__in=muted).values("synonym_of_id")
        family = Tag.objects.filter(
            Q(pk__in=muted) | Q(synonym_of__in=muted) | Q(pk__in=roots) | Q(synonym_of__in=roots)
        ).values("pk")
        queryset = queryset.exclude(Exists(TaggedWork.objects.filter(content_object=OuterRef("pk"), tag__in=family)))
    if preference.n_muted_creators:
        muted_users = preference.muted_creators.through.objects.filter(readerpreference_id=preference.pk).values(
            "user_id"
        )
        queryset = queryset.exclude(Exists(WorkCreator.objects.filter(work=OuterRef("pk"), user__in=muted_users)))
    if preference.n_hidden_works:
        hidden = preference.hidden_works.through.objects.filter(readerpreference_id=preference.pk).values("work_id")
        queryset = queryset.exclude(pk__in=hidden)
    if preference.hide_read_works:
        queryset = queryset.exclude(
            Exists(ReadingPosition.objects.filter(work=OuterRef("pk"), user_id=preference.user_id))
        )
    if preference.max_tags is not None:
        tag_count = (
            TaggedWork.objects.filter(content_object=OuterRef("pk"))
            .order_by()
            .values("content_object")
            .annotate(n=Count("pk"))
            .values("n")
        )
        queryset = queryset.alias(
            _quire_tag_count=Coalesce(Subquery(tag_count, output_field=IntegerField()), 0)
        ).filter(_quire_tag_count__lte=preference.max_tags)
    if preference.stale_wip_months:
        cutoff = (now or timezone.now()) - datetime.timedelta(days=30 * preference.stale_wip_months)
        queryset = queryset.exclude(is_complete=False, updated_at__lt=cutoff)
    return queryset
