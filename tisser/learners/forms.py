from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.core.anonymous import HoneypotMixin
from tisser.learners import codes


class CodeForm(HoneypotMixin, forms.Form):
    """The one big field of the learner's sign-in page."""

    code = forms.CharField(
        label=_("Votre code"),
        help_text=_("Les 8 signes écrits sur votre carte, par exemple : 7KQM 4TXA"),
        max_length=20,
        error_messages={"required": _("Tapez les 8 signes écrits sur votre carte.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
                "inputmode": "text",
                "class": "code-input",
            }
        ),
    )

    def clean_code(self):
        code = codes.normalize_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(
                _(
                    "Le code a 8 signes : des chiffres de 2 à 9 et des lettres. "
                    "Il n'y a ni O ni I, ni 0 ni 1."
                )
            )
        return code
