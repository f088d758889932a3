"""Forms of the helper's pages: modules to give, a group, a member (ids checked by the
services through ``visible_to``; no field selects rows by itself)."""

from django import forms
from django.utils.translation import gettext_lazy

from tisser.learning import content
from tisser.learning.assignments import GROUP_NAME_MAX


def module_choices():
    return [(row.key, row.title) for row in content.modules()]


class AssignForm(forms.Form):
    modules = forms.MultipleChoiceField(
        label=gettext_lazy("Modules"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choisissez au moins un module.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modules"].choices = module_choices()


class WithdrawForm(forms.Form):
    module = forms.CharField(max_length=60)


class GroupForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom du groupe"), max_length=GROUP_NAME_MAX)
    site = forms.TypedChoiceField(
        label=gettext_lazy("Espace"), coerce=int, required=False, choices=()
    )

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        if sites:
            self.fields["site"].choices = [(site.pk, site.name) for site in sites]
            self.fields["site"].required = True
        else:
            del self.fields["site"]


class MemberForm(forms.Form):
    beneficiary = forms.IntegerField(min_value=1, max_value=2**62)
