"""Forms of the staff pages about organisations and members, and of the invitation page."""

import re

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import (
    ROLES_BY_KIND,
    ClosureReason,
    FunderKind,
    HabilitationStatus,
    PartnerKind,
    PlaceService,
    Role,
    Weekday,
)
from tisser.accounts.models import Funder, Organisation, Partner, Site, User
from tisser.accounts.services import (
    FUNDER_FIELDS,
    PARTNER_FIELDS,
    SITE_FIELDS,
    SITE_MANAGER_FIELDS,
    SITE_MANAGER_GRANTABLE_ROLES,
    Slot,
)
from tisser.accounts.validators import validate_siret
from tisser.core.forms import DateInput
from tisser.core.ids import IdChoiceField

PHONE_SEPARATORS_RE = re.compile(r"[\s.\-()]")
FRENCH_PHONE_RE = re.compile(r"^(?:0[1-9]\d{8}|\+\d{8,15})$")


def clean_phone_number(value: str) -> str:
    """Accept "03 88 12 34 56", "03.88.12.34.56" or "+33388123456"; store it readably."""
    value = (value or "").strip()
    if not value:
        return ""
    digits = PHONE_SEPARATORS_RE.sub("", value)
    if not FRENCH_PHONE_RE.match(digits):
        raise ValidationError(
            _("Indiquez un numéro de téléphone à 10 chiffres (par exemple 03 88 12 34 56).")
        )
    if digits.startswith("+"):
        return digits
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


class OrganisationForm(forms.ModelForm):
    """Common ground of the site, partner and funder forms.

    ``Meta.fields`` is the tuple of fields that the matching service accepts, so
    ``changes()`` hands the service exactly what it expects.
    """

    def clean_phone(self):
        return clean_phone_number(self.cleaned_data.get("phone", ""))

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def coordinate_field(label, *, bound: int, help_text) -> forms.DecimalField:
    """Latitude or longitude in decimal degrees, six decimals (the model's precision)."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=-bound,
        max_value=bound,
        max_digits=9,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"step": "any"}),
        help_text=help_text,
    )


# --- sites ------------------------------------------------------------------------------


class SiteForm(OrganisationForm):
    """Everything about a site, for network admins."""

    latitude = coordinate_field(
        _("Latitude"), bound=90, help_text=_("En degrés décimaux, par exemple 48.583148.")
    )
    longitude = coordinate_field(
        _("Longitude"), bound=180, help_text=_("En degrés décimaux, par exemple 7.745687.")
    )
    # Room for the spaces of a SIRET as printed (« 999 000 009 00129 »): kept as 14 digits.
    siret = forms.CharField(
        label=_("SIRET de l'espace"),
        required=False,
        max_length=20,
        help_text=_(
            "14 chiffres. Il identifie l'espace dans la cartographie nationale des lieux de "
            "médiation numérique. Facultatif."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    services = forms.MultipleChoiceField(
        label=_("Services proposés"),
        choices=PlaceService.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Site
        fields = SITE_FIELDS
        labels = {
            "name": _("Nom de l'espace"),
            "short_code": _("Code court"),
            "address": _("Adresse"),
            "postal_code": _("Code postal"),
            "city": _("Commune"),
            "phone": _("Téléphone"),
            "email": _("E-mail de contact"),
            "accessibility_notes": _("Accessibilité"),
            "description": _("Présentation de l'espace"),
            "what_to_bring": _("Ce qu'il faut apporter"),
            "is_active": _("Espace ouvert (visible dans l'annuaire)"),
            "appointment_minutes": _("Durée d'un rendez-vous, en minutes"),
            "appointment_capacity": _("Nombre de rendez-vous individuels en même temps"),
        }
        help_texts = {
            "short_code": _("2 à 10 lettres majuscules ou chiffres, par exemple STR."),
            "accessibility_notes": _(
                "Accès en fauteuil roulant, boucle magnétique, transports proches…"
            ),
            "description": _(
                "Quelques phrases simples sur l'espace, montrées sur sa page publique. "
                "2 000 caractères au plus."
            ),
            "what_to_bring": _(
                "Montré sur la page publique de l'espace. Laissez vide pour ne rien afficher. "
                "1 000 caractères au plus."
            ),
            "appointment_minutes": _("Entre 10 et 240 minutes ; 30 par défaut."),
            "appointment_capacity": _(
                "Combien de personnes l'équipe peut recevoir à la même heure, entre 1 et 20."
            ),
        }
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric"}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "what_to_bring": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "short_code": {"unique": _("Ce code court est déjà utilisé par un autre espace.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, a booking setting keeps its current value (30 minutes, 1 at a time).
        for name in ("appointment_minutes", "appointment_capacity"):
            if name in self.fields:
                self.fields[name].required = False

    def _keep_when_empty(self, name: str):
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value is None else value

    def clean_appointment_minutes(self):
        return self._keep_when_empty("appointment_minutes")

    def clean_appointment_capacity(self):
        return self._keep_when_empty("appointment_capacity")

    def clean_short_code(self):
        return (self.cleaned_data.get("short_code") or "").strip().upper()

    def clean_siret(self):
        # Typed with spaces as printed on a Kbis: kept as its 14 digits.
        return "".join((self.cleaned_data.get("siret") or "").split())

    def clean_services(self):
        chosen = set(self.cleaned_data.get("services") or [])
        # Keep the standard's order, whatever order the browser sent.
        return [code for code in PlaceService.values if code in chosen]


class SiteManagerForm(SiteForm):
    """What a site manager may change on their own site."""

    # The SIRET stays the network admin's (a legal identifier of the association).
    siret = None

    class Meta(SiteForm.Meta):
        fields = SITE_MANAGER_FIELDS


SLOTS_PER_DAY = (1, 2)


class OpeningHoursForm(forms.Form):
    """A fixed grid: 7 days x 2 slots (for example a morning and an afternoon)."""

    def __init__(self, *args, site: Site | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        existing: dict[int, list] = {}
        if site is not None and site.pk:
            for hours in site.opening_hours.order_by("weekday", "opens_at"):
                existing.setdefault(hours.weekday, []).append(hours)
        for day, day_label in Weekday.choices:
            for slot in SLOTS_PER_DAY:
                for edge, edge_label in (("opens", _("ouverture")), ("closes", _("fermeture"))):
                    name = self.field_name(day, slot, edge)
                    self.fields[name] = forms.TimeField(
                        label=_("%(day)s, créneau %(slot)s, %(edge)s")
                        % {"day": day_label, "slot": slot, "edge": edge_label},
                        required=False,
                        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
                        error_messages={
                            "invalid": _("Indiquez une heure au format HH:MM, par exemple 09:30.")
                        },
                    )
                    slots = existing.get(day, [])
                    if len(slots) >= slot:
                        hours = slots[slot - 1]
                        self.initial[name] = hours.opens_at if edge == "opens" else hours.closes_at

    @staticmethod
    def field_name(day: int, slot: int, edge: str) -> str:
        return f"d{day}_s{slot}_{edge}"

    def rows(self):
        """For the template: one row per weekday with its bound fields, slot by slot."""
        return [
            {
                "label": day_label,
                "slots": [
                    (
                        self[self.field_name(day, slot, "opens")],
                        self[self.field_name(day, slot, "closes")],
                    )
                    for slot in SLOTS_PER_DAY
                ],
            }
            for day, day_label in Weekday.choices
        ]

    def clean(self):
        cleaned = super().clean()
        slots: list[Slot] = []
        for day, day_label in Weekday.choices:
            previous_close = None
            for slot in SLOTS_PER_DAY:
                opens_name = self.field_name(day, slot, "opens")
                closes_name = self.field_name(day, slot, "closes")
                if opens_name in self.errors or closes_name in self.errors:
                    continue
                opens, closes = cleaned.get(opens_name), cleaned.get(closes_name)
                context = {"day": day_label, "slot": slot}
                if opens is None and closes is None:
                    continue
                if opens is None:
                    self.add_error(
                        opens_name,
                        _("%(day)s, créneau %(slot)s : indiquez l'heure d'ouverture.") % context,
                    )
                elif closes is None:
                    self.add_error(
                        closes_name,
                        _("%(day)s, créneau %(slot)s : indiquez l'heure de fermeture.") % context,
                    )
                elif closes <= opens:
                    self.add_error(
                        closes_name,
                        _(
                            "%(day)s, créneau %(slot)s : l'heure de fermeture doit être après "
                            "l'heure d'ouverture."
                        )
                        % context,
                    )
                elif previous_close is not None and opens < previous_close:
                    self.add_error(
                        opens_name,
                        _("%(day)s : le second créneau doit commencer après la fin du premier.")
                        % context,
                    )
                else:
                    slots.append(Slot(day, opens, closes))
                    previous_close = closes
        self.slots = slots
        return cleaned


# --- partners and funders ------------------------------------------------------------------


class PartnerForm(OrganisationForm):
    siret = forms.CharField(
        label=_("SIRET (facultatif)"),
        required=False,
        max_length=20,
        help_text=_("14 chiffres, les espaces sont acceptés."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Partner
        fields = PARTNER_FIELDS
        labels = {
            "name": _("Nom du partenaire"),
            "partner_kind": _("Type de partenaire"),
            "territory": _("Territoire"),
            "habilitation_status": _("Habilitation"),
            "email": _("E-mail de contact"),
            "phone": _("Téléphone"),
            "is_active": _("Partenaire actif"),
        }
        help_texts = {"territory": _("Par exemple : Strasbourg Nord, Bas-Rhin.")}
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}

    def clean_siret(self):
        siret = re.sub(r"\s", "", self.cleaned_data.get("siret") or "")
        validate_siret(siret)
        return siret


class FunderForm(OrganisationForm):
    class Meta:
        model = Funder
        fields = FUNDER_FIELDS
        labels = {
            "name": _("Nom du financeur ou donateur"),
            "funder_kind": _("Type"),
            "is_donor": _("Fait des dons en nature (matériel, forfaits…)"),
            "email": _("E-mail de contact"),
            "phone": _("Téléphone"),
            "is_active": _("Financeur actif"),
        }
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}


def _with_all(choices, label):
    return [("", label), *choices]


class ExactMatchFilterForm(forms.Form):
    """A list filter in which each chosen value keeps only the rows with that value.

    Every field's name is the model field it filters on; an empty choice filters nothing,
    and an invalid query string shows the whole list rather than an error.
    """

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        for field, value in self.cleaned_data.items():
            if value:
                queryset = queryset.filter(**{field: value})
        return queryset


class PartnerFilterForm(ExactMatchFilterForm):
    partner_kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=_with_all(PartnerKind.choices, _("Tous"))
    )
    habilitation_status = forms.ChoiceField(
        label=_("Habilitation"),
        required=False,
        choices=_with_all(HabilitationStatus.choices, _("Toutes")),
    )


class FunderFilterForm(ExactMatchFilterForm):
    funder_kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=_with_all(FunderKind.choices, _("Tous"))
    )


# --- members and invitations -------------------------------------------------------------------


class OrganisationChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


MEMBER_STATUS_CHOICES = [
    ("", _("Tous")),
    ("active", _("Actifs")),
    ("inactive", _("Désactivés")),
]


class MemberFilterForm(forms.Form):
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Toutes"),
    )
    status = forms.ChoiceField(label=_("État"), required=False, choices=MEMBER_STATUS_CHOICES)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(membership).order_by(
            "kind", "name"
        )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        if self.cleaned_data.get("organisation"):
            queryset = queryset.filter(organisation=self.cleaned_data["organisation"])
        if self.cleaned_data.get("status") == "active":
            queryset = queryset.filter(is_active=True)
        elif self.cleaned_data.get("status") == "inactive":
            queryset = queryset.filter(is_active=False)
        return queryset


def grantable_roles(membership) -> list[tuple[str, str]]:
    if membership.role == Role.NETWORK_ADMIN:
        return list(Role.choices)
    return [(code, label) for code, label in Role.choices if code in SITE_MANAGER_GRANTABLE_ROLES]


def _role_fit_error(organisation):
    roles = ", ".join(str(Role(code).label) for code in ROLES_BY_KIND[organisation.kind])
    return _("Ce rôle ne convient pas à « %(organisation)s ». Rôles possibles : %(roles)s.") % {
        "organisation": organisation.name,
        "roles": roles,
    }


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de la personne"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    organisation = OrganisationChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    role = forms.ChoiceField(label=_("Rôle"))

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = (
            Organisation.objects.visible_to(membership).active().order_by("kind", "name")
        )
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].help_text = _(
            "Le rôle doit convenir à l'organisation : un espace accueille des responsables, "
            "des médiateurs et des bénévoles ; un partenaire, des prescripteurs ; un "
            "financeur, des lecteurs ; le réseau, des administrateurs et sa comptabilité."
        )
        self.fields["role"].choices = grantable_roles(membership)
        if membership.role == Role.SITE_MANAGER:
            self.fields["organisation"].initial = membership.organisation_id
            self.fields["role"].initial = Role.MEDIATOR

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        organisation, role = cleaned.get("organisation"), cleaned.get("role")
        if organisation is not None and role and role not in ROLES_BY_KIND[organisation.kind]:
            self.add_error("role", _role_fit_error(organisation))
        return cleaned


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Nouveau rôle"))

    def __init__(self, *args, membership, actor, **kwargs):
        super().__init__(*args, **kwargs)
        fitting = ROLES_BY_KIND[membership.organisation.kind]
        self.fields["role"].choices = [
            (code, label) for code, label in grantable_roles(actor) if code in fitting
        ]
        self.fields["role"].initial = membership.role


class AcceptInvitationForm(forms.Form):
    """A new account, created from an invitation link."""

    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Au moins 12 caractères. Une phrase de plusieurs mots est facile à retenir "
            "et difficile à deviner."
        ),
    )
    password2 = forms.CharField(
        label=_("Confirmez le mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif password1:
            user = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, user=user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ClosureForm(forms.Form):
    """Whole days the site is closed: from, to (included), and why."""

    starts_on = forms.DateField(
        label=_("Premier jour de fermeture"),
        widget=DateInput(),
        error_messages={
            "required": _("Indiquez le premier jour de fermeture."),
            "invalid": _("Indiquez une date valide, par exemple 14/03/2026."),
        },
    )
    ends_on = forms.DateField(
        label=_("Dernier jour de fermeture"),
        widget=DateInput(),
        help_text=_("Le même jour que le premier pour une seule journée."),
        error_messages={
            "required": _("Indiquez le dernier jour de fermeture."),
            "invalid": _("Indiquez une date valide, par exemple 14/03/2026."),
        },
    )
    reason = forms.ChoiceField(
        label=_("Motif"),
        choices=ClosureReason.choices,
        error_messages={"required": _("Choisissez le motif de la fermeture.")},
    )
