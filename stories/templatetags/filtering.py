"""Small helpers of the filter sidebar (templates/discovery/_filters.html)."""

import datetime

from django import template

register = template.Library()


@register.filter
def date_value(value) -> str:
    """`value` as the ISO date an <input type="date"> accepts, or "" when it is not
    one: a date input must not echo back what it cannot show (HTML requires a
    valid date string or nothing)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(str(value or "").strip()).isoformat()
    except ValueError:
        return ""
