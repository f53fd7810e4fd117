"""{% jinja_include %}: a Django template includes one of the Jinja2 templates
(templates/jinja2/, environment stories.core.jinja2), the way {% include %} would."""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja_include(context, template_name: str, **extra) -> str:
    """`template_name` rendered by the Jinja2 engine with this template's whole
    context (request, user and csrf_token included) plus the keyword arguments
    `extra`, like {% include template_name with … %}. Raises TemplateDoesNotExist
    for an unknown name."""
    rendered = engines["jinja2"].get_template(template_name).render({**context.flatten(), **extra})
    return mark_safe(rendered)  # noqa: S308 - rendered by our own autoescaping environment
