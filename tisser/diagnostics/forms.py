"""Forms of the staff pages: starting a sitting, the context questions, a paper entry."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.diagnostics.enums import DiagnosticKind, DiagnosticMode
from tisser.diagnostics.paper import MARKS, NOT_DONE

STAFF_MODES = (DiagnosticMode.ASSISTED, DiagnosticMode.PAPER)


class StartForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Diagnostic"), choices=DiagnosticKind.choices)
    mode = forms.ChoiceField(
        label=gettext_lazy("Passation"),
        choices=[(mode.value, mode.label) for mode in STAFF_MODES],
    )


def _question_field(question, *, required: bool) -> forms.ChoiceField:
    choices = [(option.code, option.label) for option in question.options]
    if not required:
        choices.append(("", _("Pas de réponse")))
    return forms.ChoiceField(
        label=question.question,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la réponse de la personne.")},
    )


class ContextForm(forms.Form):
    """The context questions, asked by the mediator with the person (all answered)."""

    def __init__(self, *args, questions, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"ctx_{question.code}"] = _question_field(question, required=required)

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix("ctx_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("ctx_") and value
        }


class PaperEntryForm(ContextForm):
    """The answers of a paper form: the context (optional) and a mark per printed question."""

    def __init__(self, *args, questions, route, **kwargs):
        super().__init__(*args, questions=questions, required=False, **kwargs)
        self.route = route
        for question in route:
            self.fields[f"q{question.number}"] = forms.ChoiceField(
                label=_("Question %(number)s") % {"number": question.number},
                choices=MARKS,
                initial=NOT_DONE,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _(
                        "Indiquez « juste », « pas juste », « ne sait pas » ou « non fait »."
                    ),
                    "invalid_choice": _(
                        "Indiquez « juste », « pas juste », « ne sait pas » ou « non fait »."
                    ),
                },
            )

    def clean(self):
        cleaned = super().clean()
        marks = [cleaned.get(f"q{question.number}") for question in self.route]
        if marks and all(mark == NOT_DONE for mark in marks):
            raise forms.ValidationError(
                _("Aucune question n'est faite : saisissez au moins une réponse.")
            )
        return cleaned

    def marks(self) -> dict[int, str]:
        return {
            question.number: self.cleaned_data[f"q{question.number}"] for question in self.route
        }

    def rows(self):
        """Each printed question with its field, grouped on the page by domain."""
        return [(question, self[f"q{question.number}"]) for question in self.route]
