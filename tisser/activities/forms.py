"""Parsing of the activity form and of the list's filters (no writes here)."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Site, User
from tisser.activities import selectors
from tisser.activities.enums import (
    COUNTED_ATTRIBUTES,
    DURATION_PRESETS,
    MAX_DURATION_MINUTES,
    MAX_PARTICIPANTS,
    MAX_PAST_DAYS,
    ActivityKind,
    AgeBand,
    Autonomy,
    BeneficiaryStatus,
    Equipment,
    Gender,
    Operator,
    PlaceType,
    ProcedureTheme,
    RedirectionTarget,
    Theme,
    WorkshopLevel,
)
from tisser.activities.services import ActivityData
from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.core.forms import DateInput
from tisser.core.ids import IdChoiceField

CUSTOM = "personnaliser"
FILE_NUMBER_SPLIT = re.compile(r"[\s,;]+")
MAX_FILES = 60
YES_NO = [("oui", _("Oui")), ("non", _("Non"))]


class ChipsRadio(forms.RadioSelect):
    """Radio buttons drawn as big tappable chips (activities.css)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs={"class": "chips", **(attrs or {})}, choices=choices)


class ChipsCheckboxes(forms.CheckboxSelectMultiple):
    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs={"class": "chips", **(attrs or {})}, choices=choices)


def duration_choices():
    labels = {15: "15 min", 30: "30 min", 45: "45 min", 60: "1 h", 90: "1 h 30", 120: "2 h"}
    return [*[(str(m), labels[m]) for m in DURATION_PRESETS], (CUSTOM, _("Autre durée"))]


def _count_field(label):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_PARTICIPANTS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "count"}),
    )


class ActivityForm(forms.Form):
    """One record. Identified people are given by their file numbers (prefilled when the
    form starts from a file or an appointment); an anonymous visitor by three chips;
    a workshop's anonymous participants by counts per value (reference-lists §1.4)."""

    kind = forms.ChoiceField(
        label=_("Type"),
        choices=ActivityKind.choices,
        widget=ChipsRadio,
        initial=ActivityKind.INDIVIDUEL,
    )
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput,
        help_text=_("Aujourd'hui, sauf si vous saisissez après coup."),
    )
    themes = forms.MultipleChoiceField(
        label=_("Thématiques"),
        choices=Theme.choices,
        widget=ChipsCheckboxes,
        error_messages={"required": _("Choisissez au moins une thématique.")},
        help_text=_("Une ou plusieurs."),
    )
    duration = forms.ChoiceField(
        label=_("Durée"),
        choices=duration_choices,
        widget=ChipsRadio,
        initial="30",
    )
    duration_hours = forms.IntegerField(
        label=_("Heures"),
        required=False,
        min_value=0,
        max_value=23,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "count"}),
    )
    duration_minutes = forms.IntegerField(
        label=_("Minutes"),
        required=False,
        min_value=0,
        max_value=59,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "count"}),
    )
    place_type = forms.ChoiceField(
        label=_("Lieu"),
        choices=PlaceType.choices,
        widget=ChipsRadio,
        initial=PlaceType.LIEU_ACTIVITE,
    )
    place_postal_code = forms.RegexField(
        label=_("Code postal du lieu"),
        regex=r"^\d{5}$",
        required=False,
        max_length=5,
        help_text=_("5 chiffres, seulement à domicile ou dans un autre lieu."),
        error_messages={"invalid": _("Écrivez les 5 chiffres du code postal.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    place_commune = forms.CharField(label=_("Commune du lieu"), required=False, max_length=120)
    procedure_themes = forms.MultipleChoiceField(
        label=_("Démarches"),
        choices=ProcedureTheme.choices,
        required=False,
        widget=ChipsCheckboxes,
    )
    operator = forms.ChoiceField(
        label=_("Organisme du service en ligne"),
        choices=Operator.choices,
        required=False,
        widget=ChipsRadio,
        help_text=_("Obligatoire pour une aide aux démarches."),
    )
    procedure_name = forms.CharField(
        label=_("Nom de la démarche"),
        required=False,
        max_length=200,
        help_text=_("Par exemple : demande de prime d'activité."),
    )
    equipment = forms.MultipleChoiceField(
        label=_("Matériel utilisé"),
        choices=Equipment.choices,
        required=False,
        widget=ChipsCheckboxes,
    )
    autonomy = forms.ChoiceField(
        label=_("Niveau d'autonomie"),
        choices=Autonomy.choices,
        required=False,
        widget=ChipsRadio,
    )
    redirected = forms.ChoiceField(
        label=_("Orienté vers une autre structure ?"),
        choices=YES_NO,
        required=False,
        widget=ChipsRadio,
    )
    redirection_target = forms.ChoiceField(
        label=_("Vers quelle structure ?"),
        choices=RedirectionTarget.choices,
        required=False,
        widget=ChipsRadio,
    )
    workshop_name = forms.CharField(label=_("Nom de l'atelier"), required=False, max_length=200)
    workshop_level = forms.ChoiceField(
        label=_("Niveau de l'atelier"),
        choices=WorkshopLevel.choices,
        required=False,
        widget=ChipsRadio,
    )
    file_numbers = forms.CharField(
        label=_("Numéros de dossier"),
        required=False,
        max_length=1200,
        help_text=_(
            "Laissez vide pour une personne sans dossier. Pour un atelier : plusieurs numéros séparés par des espaces."
        ),
    )
    anon_age = forms.ChoiceField(
        label=_("Âge"),
        choices=AgeBand.choices,
        required=False,
        widget=ChipsRadio,
        initial=AgeBand.NON_COMMUNIQUE,
    )
    anon_status = forms.ChoiceField(
        label=_("Situation"),
        choices=BeneficiaryStatus.choices,
        required=False,
        widget=ChipsRadio,
        initial=BeneficiaryStatus.NON_COMMUNIQUE,
    )
    anon_gender = forms.ChoiceField(
        label=_("Genre"),
        choices=Gender.choices,
        required=False,
        widget=ChipsRadio,
        initial=Gender.NON_COMMUNIQUE,
    )
    anonymous_count = _count_field(_("Participants sans dossier"))
    anonymous_seen_before = _count_field(_("Dont déjà accompagnés"))
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Des faits utiles seulement : la personne a le droit de lire ce texte."),
    )

    def __init__(self, *args, membership, recent_themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.recent_themes = [code for code in recent_themes if code in Theme.values]
        # The mediator's recent themes come first, then the rest in the national order.
        ordered = [*self.recent_themes, *[c for c in Theme.values if c not in self.recent_themes]]
        labels = dict(Theme.choices)
        self.fields["themes"].choices = [(code, labels[code]) for code in ordered]
        for attribute, choices in COUNTED_ATTRIBUTES.items():
            for code, label in choices.choices:
                self.fields[f"count_{attribute}_{code}"] = _count_field(label)

    def count_groups(self) -> dict:
        """The count fields of each attribute (age, status, gender), for the template."""
        return {
            attribute: [self[f"count_{attribute}_{code}"] for code in choices.values]
            for attribute, choices in COUNTED_ATTRIBUTES.items()
        }

    def recent_theme_fields(self):
        return [w for w in self["themes"] if w.data["value"] in self.recent_themes]

    def other_theme_fields(self):
        return [w for w in self["themes"] if w.data["value"] not in self.recent_themes]

    def clean_date(self):
        date = self.cleaned_data["date"]
        today = clock.localdate()
        if date > today:
            raise ValidationError(_("Choisissez aujourd'hui ou un jour passé."))
        if date < today - datetime.timedelta(days=MAX_PAST_DAYS):
            raise ValidationError(_("Choisissez une date de moins d'un an."))
        return date

    def clean_place_commune(self):
        return self.cleaned_data["place_commune"].strip()

    def clean_file_numbers(self):
        """The files named, each a file of the acting site (else an error naming it)."""
        numbers = [
            n.upper() for n in FILE_NUMBER_SPLIT.split(self.cleaned_data["file_numbers"]) if n
        ]
        numbers = list(dict.fromkeys(numbers))
        if len(numbers) > MAX_FILES:
            raise ValidationError(_("Au plus %(max)s dossiers à la fois.") % {"max": MAX_FILES})
        files = {
            b.file_number: b
            for b in Beneficiary.objects.visible_to(self.membership)
            .active()
            .filter(site_id=self.membership.organisation_id, file_number__in=numbers)
        }
        unknown = [n for n in numbers if n not in files]
        if unknown:
            raise ValidationError(
                _("Aucun dossier de votre espace ne porte ce numéro : %(numbers)s.")
                % {"numbers": ", ".join(unknown)}
            )
        return [files[n] for n in numbers]

    def clean(self):
        data = super().clean()
        if data.get("duration") == CUSTOM:
            minutes = (data.get("duration_hours") or 0) * 60 + (data.get("duration_minutes") or 0)
            if not 1 <= minutes <= MAX_DURATION_MINUTES:
                self.add_error("duration_hours", _("Indiquez la durée en heures et minutes."))
            data["duration_total"] = minutes
        elif data.get("duration"):
            data["duration_total"] = int(data["duration"])
        if data.get("place_type") in (PlaceType.DOMICILE, PlaceType.AUTRE):
            if not data.get("place_postal_code") and "place_postal_code" not in self.errors:
                self.add_error("place_postal_code", _("Indiquez le code postal du lieu."))
            if not data.get("place_commune"):
                self.add_error("place_commune", _("Indiquez la commune du lieu."))
        themes = data.get("themes") or []
        if Theme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES in themes and not data.get("operator"):
            self.add_error(
                "operator",
                _("Choisissez l'organisme : chacun compte les démarches faites chez lui."),
            )
        if data.get("kind") == ActivityKind.INDIVIDUEL and len(data.get("file_numbers") or []) > 1:
            self.add_error(
                "file_numbers", _("Un accompagnement individuel concerne un seul dossier.")
            )
        if (
            data.get("kind") == ActivityKind.COLLECTIF
            and not (data.get("file_numbers") or data.get("anonymous_count"))
            and "file_numbers" not in self.errors
        ):
            self.add_error(
                "anonymous_count",
                _("Indiquez le nombre de participants sans dossier, ou leurs numéros de dossier."),
            )
        return data

    def activity_data(self) -> ActivityData:
        data = self.cleaned_data
        individual = data["kind"] == ActivityKind.INDIVIDUEL
        files = data["file_numbers"]
        if individual:
            anonymous = 0 if files else 1
            counts = {
                "age": {data.get("anon_age") or AgeBand.NON_COMMUNIQUE: anonymous},
                "status": {data.get("anon_status") or BeneficiaryStatus.NON_COMMUNIQUE: anonymous},
                "gender": {data.get("anon_gender") or Gender.NON_COMMUNIQUE: anonymous},
            }
            seen = 0
        else:
            anonymous = data.get("anonymous_count") or 0
            counts = {
                attribute: {
                    code: data.get(f"count_{attribute}_{code}") or 0 for code in choices.values
                }
                for attribute, choices in COUNTED_ATTRIBUTES.items()
            }
            seen = data.get("anonymous_seen_before") or 0
        redirected = {"oui": True, "non": False}.get(data.get("redirected") or "")
        return ActivityData(
            kind=data["kind"],
            date=data["date"],
            duration_minutes=data["duration_total"],
            place_type=data["place_type"],
            place_postal_code=data.get("place_postal_code") or "",
            place_commune=data.get("place_commune") or "",
            themes=data["themes"],
            procedure_themes=data.get("procedure_themes") or [],
            procedure_name=data.get("procedure_name") or "",
            operator=data.get("operator") or "",
            equipment=data.get("equipment") or [],
            autonomy=(data.get("autonomy") or "") if individual else "",
            redirected=redirected,
            redirection_target=(data.get("redirection_target") or "") if redirected else "",
            workshop_name="" if individual else data.get("workshop_name") or "",
            workshop_level="" if individual else data.get("workshop_level") or "",
            participants=files,
            anonymous_count=anonymous,
            anonymous_counts=counts,
            anonymous_seen_before=seen,
            notes=data.get("notes") or "",
        )


def initial_from_activity(activity) -> dict:
    """The form's initial values for editing ``activity``."""
    duration = str(activity.duration_minutes)
    custom = duration not in {str(m) for m in DURATION_PRESETS}
    initial = {
        "kind": activity.kind,
        "date": activity.date,
        "themes": activity.themes,
        "duration": CUSTOM if custom else duration,
        "duration_hours": activity.duration_minutes // 60 if custom else None,
        "duration_minutes": activity.duration_minutes % 60 if custom else None,
        "place_type": activity.place_type,
        "place_postal_code": activity.place_postal_code,
        "place_commune": activity.place_commune,
        "procedure_themes": activity.procedure_themes,
        "operator": activity.operator,
        "procedure_name": activity.procedure_name,
        "equipment": activity.equipment,
        "autonomy": activity.autonomy,
        "redirected": {True: "oui", False: "non"}.get(activity.redirected, ""),
        "redirection_target": activity.redirection_target,
        "workshop_name": activity.workshop_name,
        "workshop_level": activity.workshop_level,
        "file_numbers": " ".join(p.beneficiary.file_number for p in activity.identified),
        "anonymous_count": activity.anonymous_count
        if activity.kind == ActivityKind.COLLECTIF
        else None,
        "anonymous_seen_before": activity.anonymous_seen_before or None,
        "notes": activity.notes,
    }
    counts = activity.anonymous_counts or {}
    if activity.kind == ActivityKind.INDIVIDUEL:
        for attribute in COUNTED_ATTRIBUTES:
            chosen = next(iter(counts.get(attribute, {})), "non_communique")
            initial[f"anon_{attribute}"] = chosen
    else:
        for attribute, choices in COUNTED_ATTRIBUTES.items():
            for code in choices.values:
                initial[f"count_{attribute}_{code}"] = counts.get(attribute, {}).get(code) or None
    return initial


class ActivityFilterForm(forms.Form):
    """The list's filters (also the export's): dates, author, theme, kind, operator, site."""

    date_from = forms.DateField(label=_("Du"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Au"), required=False, widget=DateInput)
    mediator = IdChoiceField(
        label=_("Médiateur"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Tous les médiateurs"),
    )
    theme = forms.ChoiceField(label=_("Thématique"), required=False)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous les types")), *ActivityKind.choices]
    )
    operator = forms.ChoiceField(
        label=_("Organisme"),
        required=False,
        choices=[("", _("Tous les organismes")), *Operator.choices],
    )
    site = IdChoiceField(
        label=_("Espace"),
        required=False,
        queryset=Site.objects.none(),
        empty_label=_("Tous les espaces"),
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [
            ("", _("Toutes les thématiques")),
            *Theme.choices,
            *ProcedureTheme.choices,
        ]
        self.fields["mediator"].queryset = selectors.site_mediators(membership=membership)
        if membership.role == Role.NETWORK_ADMIN:
            self.fields["site"].queryset = Site.objects.filter(
                Q(network_id=membership.organisation_id)
            ).order_by("city", "name")
        else:
            del self.fields["site"]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("La date de fin doit suivre la date de début."))
        return data

    def filters(self) -> selectors.ActivityFilters:
        if not self.is_bound or not self.is_valid():
            return selectors.ActivityFilters()
        data = self.cleaned_data
        return selectors.ActivityFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            mediator=data["mediator"].pk if data.get("mediator") else None,
            theme=data.get("theme") or "",
            kind=data.get("kind") or "",
            operator=data.get("operator") or "",
            site=data["site"].pk if data.get("site") else None,
        )

    def codes(self) -> dict[str, str]:
        """The active filters as codes and ids (for the journal: no name in it)."""
        if not self.is_bound or not self.is_valid():
            return {}
        found = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            found[name] = str(getattr(value, "pk", value))
        return found

    def described(self) -> list[tuple[str, str]]:
        """The active filters as (label, value) pairs, for the export's header."""
        if not self.is_bound or not self.is_valid():
            return []
        described = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(value, datetime.date):
                shown = value.strftime("%d/%m/%Y")
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, IdChoiceField):
                shown = str(dict(field.choices).get(value, value))
            else:
                shown = str(value)
            described.append((str(field.label), shown))
        return described
