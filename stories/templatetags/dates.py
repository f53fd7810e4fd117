"""Dates for Django templates as HTML wants them: `{{ value|iso_datetime }}` for a
<time datetime> attribute (to the second; Django's |date:"c" gives microseconds,
which the HTML standard does not allow). The same function as the Jinja2 blurbs use."""

from django import template

from stories.core.jinja2 import iso_datetime

register = template.Library()
register.filter("iso_datetime", iso_datetime)
