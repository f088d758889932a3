"""The public "Demander de l'aide" form: the minimum to call the person back."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tisser.accounts import geo
from tisser.accounts.models import Site
from tisser.accounts.validators import validate_postal_code
from tisser.core.anonymous import HoneypotMixin
from tisser.core.phones import normalize_phone
from tisser.core.validators import reject_nir
from tisser.referrals.enums import Need


class HelpRequestForm(HoneypotMixin, forms.Form):
    """The honeypot field ``site_web`` comes from HoneypotMixin (tisser/core/anonymous.py)."""

    first_name = forms.CharField(
        label=_("Votre prénom"),
        max_length=100,
        validators=[reject_nir],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    phone = forms.CharField(
        label=_("Votre numéro de téléphone"),
        required=False,
        max_length=30,
        help_text=_("Par exemple 06 12 34 56 78. Nous vous envoyons un SMS ou nous vous appelons."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        required=False,
        help_text=_("Si vous n'avez pas de téléphone."),
        error_messages={
            "invalid": _("Cette adresse e-mail n'est pas valide. Exemple : prenom@exemple.fr.")
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    postal_code = forms.CharField(
        label=_("Votre code postal"),
        max_length=5,
        help_text=_("5 chiffres, par exemple 67000. Il sert à trouver l'espace le plus proche."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    needs = forms.MultipleChoiceField(
        label=_("De quoi avez-vous besoin ?"),
        required=False,
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Cochez une ou plusieurs cases. Vous pouvez laisser vide si vous ne savez pas."
        ),
    )
    site = forms.ModelChoiceField(
        label=_("Dans quel espace voulez-vous aller ?"),
        required=False,
        queryset=Site.objects.none(),
        empty_label=_("L'espace le plus proche de chez moi"),
    )
    consent = forms.BooleanField(
        label=_("J'accepte que le réseau garde ces informations pour me recontacter."),
        error_messages={
            "required": _("Cochez cette case pour que nous puissions vous recontacter.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.active().order_by("city", "name")
        self.fields["site"].label_from_instance = lambda site: f"{site.name} ({site.city})"

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean_email(self):
        return (self.cleaned_data["email"] or "").strip().lower()

    def clean_postal_code(self):
        postal_code = (self.cleaned_data["postal_code"] or "").replace(" ", "")
        validate_postal_code(postal_code)
        return postal_code

    def clean(self):
        cleaned = super().clean()
        no_contact = not cleaned.get("phone") and not cleaned.get("email")
        if no_contact and not self.has_error("phone") and not self.has_error("email"):
            self.add_error(
                "phone",
                ValidationError(
                    _(
                        "Indiquez un numéro de téléphone ou une adresse e-mail, pour "
                        "que l'espace puisse vous recontacter."
                    )
                ),
            )
        postal_code = cleaned.get("postal_code")
        if postal_code and not cleaned.get("site") and not geo.nearest_sites(postal_code, limit=1):
            self.add_error(
                "postal_code",
                _(
                    "Nous ne trouvons pas d'espace pour ce code postal. Vérifiez-le, ou "
                    "choisissez un espace dans la liste."
                ),
            )
        return cleaned
