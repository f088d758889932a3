from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.exercises.enums import LEVELS, ItemType


class ItemFilterForm(forms.Form):
    """The staff preview's filters: an item type, a level."""

    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous les types")), *ItemType.choices]
    )
    level = forms.TypedChoiceField(
        label=_("Niveau"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tous les niveaux")), *LEVELS.items()],
    )
