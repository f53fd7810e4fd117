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
