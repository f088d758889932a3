"""The form renderer of every Tisser form (``FORM_RENDERER``): Django's, with ``<select>``
drawn in Python.

Django draws a ``<select>`` with one template for the list and one more template, plus an
attribute template, for each option: on a filter form with the network's partners, that
was the largest single cost of the site inbox (docs/decisions/0018-signed-in-page-cost.md).
This renderer writes the same HTML directly; every other widget, and any widget given its
own template, still goes through the templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def attributes_html(attrs: dict) -> SafeString:
    """`` name="value"`` for each attribute, the bare name for True, nothing for False
    (as ``django/forms/widgets/attrs.html``)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def options_html(options: list[dict]) -> SafeString:
    return format_html_join(
        "",
        '\n  <option value="{}"{}>{}</option>',
        (
            (option["value"], attributes_html(option["attrs"]), option["label"])
            for option in options
        ),
    )


def select_html(widget: dict) -> SafeString:
    """The ``<select>`` of a widget's template context (``context["widget"]``)."""
    groups = format_html_join(
        "",
        "{}",
        (
            (
                format_html(
                    '\n  <optgroup label="{}">{}\n  </optgroup>', name, options_html(options)
                )
                if name
                else options_html(options),
            )
            for name, options, _index in widget["optgroups"]
        ),
    )
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        widget["name"],
        attributes_html(widget["attrs"]),
        groups,
    )


def is_plain_select(template_name: str, widget: dict | None) -> bool:
    """Django's own select template and option template, which ``select_html`` reproduces."""
    return (
        template_name == SELECT_TEMPLATE
        and widget is not None
        and all(
            option["template_name"] == OPTION_TEMPLATE
            for _name, options, _index in widget["optgroups"]
            for option in options
        )
    )


class FormRenderer(DjangoTemplates):
    # ``{{ form }}`` starts with the error summary that links to each field (house rule).
    form_template_name = "core/form/div.html"

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if is_plain_select(template_name, widget):
            return select_html(widget)
        return super().render(template_name, context, request=request)
