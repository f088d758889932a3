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


class InputDrawnInPythonTests(SimpleTestCase):
    def assert_same_html(self, widget, name, value, attrs=None):
        expected = widget.render(name, value, attrs=attrs, renderer=DjangoTemplates())
        drawn = widget.render(name, value, attrs=attrs, renderer=FormRenderer())
        self.assertHTMLEqual(drawn, expected)
        self.assertEqual(drawn.replace("\n", ""), expected.replace("\n", ""))
        return drawn

    def test_every_kind_of_input_escaping_and_attributes(self):
        attrs = {"id": "id_x", "required": True, "disabled": False, "placeholder": 'a "b" <c>'}
        for widget, value in [
            (forms.TextInput(), 'Dupont & "fils" <b>'),
            (forms.TextInput(), None),
            (forms.EmailInput(), "a@b.fr"),
            (forms.NumberInput(attrs={"min": 0, "step": "any"}), 3),
            (forms.PasswordInput(render_value=True), "secret"),
            (forms.HiddenInput(), "42"),
            (forms.DateInput(attrs={"type": "date"}), "2026-11-29"),
            (forms.TimeInput(), "14:30"),
            (forms.URLInput(), "https://exemple.fr/?a=1&b=2"),
            (forms.SearchInput(), mark_safe("<i>déjà sûr</i>")),
            (forms.TelInput(), "06 12 34 56 78"),
            (forms.CheckboxInput(), True),
            (forms.CheckboxInput(), False),
        ]:
            with self.subTest(widget=type(widget).__name__, value=value):
                drawn = self.assert_same_html(widget, "x", value, attrs)
                self.assertNotIn("disabled", drawn)
        drawn = self.assert_same_html(forms.TextInput(), "q", 'x" onfocus="y')
        self.assertIn('value="x&quot; onfocus=&quot;y"', drawn)

    def test_an_input_with_a_template_of_its_own_goes_through_the_templates(self):
        class Custom(forms.TextInput):
            template_name = "django/forms/widgets/textarea.html"

        renderer = FormRenderer()
        self.assertFalse(renderer.is_plain_input("django/forms/widgets/textarea.html"))
        self.assertFalse(renderer.is_plain_input("core/form/div.html"))
        self.assertTrue(renderer.is_plain_input("django/forms/widgets/text.html"))
        self.assertHTMLEqual(
            Custom().render("t", "a", renderer=renderer),
            Custom().render("t", "a", renderer=DjangoTemplates()),
        )
