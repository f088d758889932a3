"""Form widgets shared by every app."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ExplainedCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes, each with a one-sentence explanation beside its label, tied to the box by
    ``aria-describedby`` so that a screen reader reads it with the choice.

    ``explanations`` maps a choice value to its sentence; a choice without one shows none.
    """

    option_template_name = "core/widgets/explained_option.html"

    def __init__(self, attrs=None, choices=(), *, explanations=None):
        super().__init__(attrs=attrs, choices=choices)
        self.explanations = dict(explanations or {})

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        explanation = self.explanations.get(str(value), "")
        if explanation and option["attrs"].get("id"):
            option["explanation"] = explanation
            option["explanation_id"] = f"{option['attrs']['id']}_explanation"
            described_by = option["attrs"].get("aria-describedby", "")
            option["attrs"]["aria-describedby"] = " ".join(
                filter(None, [option["explanation_id"], described_by])
            )
        return option
