"""Forms of the access-right and quota pages: parsing and validation only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.core import clock
from tisser.core.forms import DateInput
from tisser.core.ids import IdChoiceField
from tisser.core.validators import reject_nir
from tisser.funding.enums import OfferFamily
from tisser.offers.models import Offer
from tisser.sales.enums import (
    QuotaMeasure,
    QuotaPer,
    QuotaScope,
    QuotaWindow,
    RightCloseReason,
    RightStatus,
)
from tisser.sales.models import AccessRightSettings, QuotaRule

CLOSE_REASONS = [
    (code, label)
    for code, label in RightCloseReason.choices
    if code not in (RightCloseReason.REOPENED, RightCloseReason.MERGED)
]


def _reason_field(label, *, required=True, help_text=None):
    return forms.CharField(
        label=label,
        help_text=help_text or _("Quelques mots, sans numéro de sécurité sociale."),
        max_length=500,
        required=required,
        validators=[reject_nir],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Écrivez le motif en quelques mots.")},
    )


class RightOpenForm(forms.Form):
    starts_on = forms.DateField(
        label=_("Début du droit"),
        help_text=_("Aujourd'hui en général ; au plus un mois en arrière ou trois mois en avant."),
        widget=DateInput,
        error_messages={"required": _("Indiquez la date de début, par exemple 01/03/2026.")},
    )
    reason = _reason_field(_("Pourquoi ouvrir ce droit sans bon d'orientation ?"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"starts_on": clock.localdate()})
        super().__init__(*args, **kwargs)


class SuspendForm(forms.Form):
    reason = _reason_field(_("Pourquoi suspendre ce droit ?"))


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Pourquoi clore ce droit ?"),
        choices=CLOSE_REASONS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez un motif dans la liste.")},
    )
    note = _reason_field(_("Précision (obligatoire avec « autre motif »)"), required=False)


class RenewalRequestForm(forms.Form):
    note = _reason_field(_("Pourquoi la personne a-t-elle encore besoin de ce droit ?"))


class RenewalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Votre décision"),
        choices=[("accept", _("Renouveler le droit")), ("refuse", _("Refuser"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez de renouveler ou de refuser.")},
    )
    note = _reason_field(_("Motif (obligatoire en cas de refus)"), required=False)


class RightFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("État"), choices=[("", _("Tous")), *RightStatus.choices], required=False
    )
    expiring = forms.BooleanField(
        label=_("Seulement ceux qui se terminent dans les 30 jours"), required=False
    )


class QuotaRuleForm(forms.ModelForm):
    offer = IdChoiceField(
        label=_("Offre"),
        help_text=_("Pour une règle sur une offre seulement."),
        queryset=Offer.objects.none(),
        required=False,
    )
    families = forms.MultipleChoiceField(
        label=_("Familles d'offres"),
        help_text=_("Une seule pour une règle sur une famille ; plusieurs pour un montant cumulé."),
        choices=OfferFamily.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = QuotaRule
        fields = [
            "name",
            "scope",
            "offer",
            "families",
            "per",
            "window",
            "window_length",
            "measure",
            "max_quantity",
            "max_amount",
            "return_gives_back",
            "is_active",
        ]
        widgets = {
            "scope": forms.RadioSelect,
            "per": forms.RadioSelect,
            "window": forms.RadioSelect,
            "measure": forms.RadioSelect,
        }
        help_texts = {
            "window_length": _("Pour « N jours glissants » ou « N ans » seulement."),
        }

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers
        for name, choices in (
            ("scope", QuotaScope.choices),
            ("per", QuotaPer.choices),
            ("window", QuotaWindow.choices),
            ("measure", QuotaMeasure.choices),
        ):
            self.fields[name].choices = choices

    def changes(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}

    def _post_clean(self):
        # The service validates the rule as a whole (with its network); nothing is built here.
        pass


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AccessRightSettings
        fields = ["duration_months", "renewal_months", "max_renewals", "reminder_days"]
