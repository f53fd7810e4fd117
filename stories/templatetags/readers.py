from django import template

from stories.models import InboxItem

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread_count(context) -> int:
    """Unread inbox entries of the signed-in reader: one query per page, cached on
    the request so a template may ask more than once."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    if not hasattr(request, "_quire_unread"):
        request._quire_unread = InboxItem.objects.filter(user=request.user, read_at__isnull=True).count()
    return request._quire_unread


@register.simple_tag(takes_context=True)
def follow_state(context, kind: str, target) -> dict:
    """For a subscribe/mute bar on an author, tag or series page: the reader's
    subscription (or None) and whether they muted it. Two small queries per page."""
    from stories.models import ReaderPreference, Subscription

    request = context.get("request")
    state = {"subscription": None, "muted": False}
    if request is None or not request.user.is_authenticated or target is None:
        return state
    field = {"user": "creator", "tag": "tag", "series": "series"}[kind]
    state["subscription"] = Subscription.objects.filter(user=request.user, **{field: target}).first()
    if kind in {"user", "tag"}:
        relation = "muted_creators" if kind == "user" else "muted_tags"
        state["muted"] = ReaderPreference.objects.filter(user=request.user, **{relation: target}).exists()
    return state
