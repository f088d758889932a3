"""The form renderer of every Tisser form (``FORM_RENDERER``): Django's, with ``<select>``
and ``<input>`` drawn in Python.

Django draws a ``<select>`` with one template for the list and one more template, plus an
attribute template, for each option: on a filter form with the network's partners, that
was the largest single cost of the site inbox (docs/decisions/0018-signed-in-page-cost.md).
An ``<input>`` goes through three templates (``text.html``, ``input.html``, ``attrs.html``).
This renderer writes the same HTML directly, as plain strings with each value escaped as
the templates escape it; every other widget, and any widget whose template is not
Django's own (given its own template, or overridden by an app), still goes through the
templates.
"""

import html
from pathlib import Path

import django
from django.forms.renderers import DjangoTemplates
from django.template import TemplateDoesNotExist
from django.utils.safestring import SafeString, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
DJANGO_WIDGETS = Path(django.__file__).parent / "forms" / "templates" / "django" / "forms"
# Django's templates that are only ``{% include "django/forms/widgets/input.html" %}``.
INPUT_INCLUDE = '{% include "django/forms/widgets/input.html" %}'


def _escape(value) -> str:
    """What ``{{ value }}`` writes: a safe string as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attributes(attrs: dict) -> str:
    if not attrs:
        return ""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def attributes_html(attrs: dict) -> SafeString:
    """`` name="value"`` for each attribute, the bare name for True, nothing for False
    (as ``django/forms/widgets/attrs.html``)."""
    return mark_safe(_attributes(attrs))  # noqa: S308  # every part escaped above


def _options(options: list[dict]) -> str:
    return "".join(
        f'\n  <option value="{_escape(option["value"])}"{_attributes(option["attrs"])}>'
        f"{_escape(option['label'])}</option>"
        for option in options
    )


def options_html(options: list[dict]) -> SafeString:
    return mark_safe(_options(options))  # noqa: S308  # every part escaped above


def select_html(widget: dict) -> SafeString:
    """The ``<select>`` of a widget's template context (``context["widget"]``)."""
    groups = "".join(
        f'\n  <optgroup label="{_escape(name)}">{_options(options)}\n  </optgroup>'
        if name
        else _options(options)
        for name, options, _index in widget["optgroups"]
    )
    return mark_safe(  # noqa: S308  # every part escaped above
        f'<select name="{_escape(widget["name"])}"{_attributes(widget["attrs"])}>{groups}\n'
        "</select>"
    )


def input_html(widget: dict) -> SafeString:
    """The ``<input>`` of a widget's template context (as ``django/forms/widgets/input.html``)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_escape(value)}"'
    return mark_safe(  # noqa: S308  # every part escaped above
        f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"{shown}'
        f"{_attributes(widget['attrs'])}>"
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

    def __init__(self):
        super().__init__()
        self._plain_inputs: dict[str, bool] = {}

    def is_plain_input(self, template_name: str) -> bool:
        """Is ``template_name`` Django's own template that only includes ``input.html``
        (and ``input.html`` Django's own)? Asked of the template engine once per name."""
        known = self._plain_inputs.get(template_name)
        if known is None:
            known = self._plain_inputs[template_name] = all(
                self._is_django_template(name, content)
                for name, content in (
                    (template_name, INPUT_INCLUDE),
                    ("django/forms/widgets/input.html", None),
                    ("django/forms/widgets/attrs.html", None),
                )
            )
        return known

    def _is_django_template(self, name: str, content: str | None) -> bool:
        if not name.startswith("django/forms/widgets/"):
            return False
        try:
            origin = Path(self.get_template(name).origin.name)
        except TemplateDoesNotExist:
            return False
        if origin.parent != DJANGO_WIDGETS / "widgets":
            return False
        return content is None or origin.read_text(encoding="utf-8").strip() == content

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if is_plain_select(template_name, widget):
            return select_html(widget)
        if (
            widget is not None
            and "type" in widget
            and "value" in widget
            and self.is_plain_input(template_name)
        ):
            return input_html(widget)
        return super().render(template_name, context, request=request)
