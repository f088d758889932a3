"""The Python-drawn <select> is the HTML Django's templates draw, for every kind of select."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test import SimpleTestCase
from django.utils.safestring import mark_safe

from tisser.core.form_renderer import FormRenderer

pytestmark = pytest.mark.db_independent

CHOICES = [
    ("", "Tous"),
    ("x", "X & Y <b>"),
    (3, 'Trois "guillemets"'),
    ("Groupe <1>", [("g1", "un"), ("g2", "deux")]),
]


class CustomOptionSelect(forms.Select):
    option_template_name = "django/forms/widgets/attrs.html"  # any template of its own


class SelectDrawnInPythonTests(SimpleTestCase):
    def assert_same_html(self, widget, name, value, attrs=None):
        expected = widget.render(name, value, attrs=attrs, renderer=DjangoTemplates())
        drawn = widget.render(name, value, attrs=attrs, renderer=FormRenderer())
        self.assertHTMLEqual(drawn, expected)
        return drawn

    def test_select_with_groups_escaping_and_selection(self):
        drawn = self.assert_same_html(
            forms.Select(choices=CHOICES), "status", "g2", {"id": "id_status", "required": True}
        )
        self.assertIn("X &amp; Y &lt;b&gt;", drawn)
        self.assertIn('<option value="g2" selected>deux</option>', drawn)

    def test_select_multiple_and_false_attributes(self):
        widget = forms.SelectMultiple(choices=CHOICES)
        drawn = self.assert_same_html(
            widget, "m", ["x", "3"], {"id": "id_m", "disabled": False, "aria-describedby": "h"}
        )
        self.assertNotIn("disabled", drawn)
        self.assertIn(" multiple", drawn)

    def test_null_boolean_and_safe_labels(self):
        self.assert_same_html(forms.NullBooleanSelect(), "b", True)
        self.assert_same_html(forms.Select(choices=[("a", mark_safe("<i>a</i>"))]), "s", "a")

    def test_select_with_option_template_of_its_own_goes_through_the_templates(self):
        self.assert_same_html(CustomOptionSelect(choices=[("a", "A")]), "s", "a")

    def test_the_setting_uses_it(self):
        class Form(forms.Form):
            choice = forms.ChoiceField(choices=[("a", "A & B")])

        self.assertIsInstance(get_default_renderer(), FormRenderer)
        self.assertInHTML('<option value="a">A &amp; B</option>', str(Form()["choice"]))
