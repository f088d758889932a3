"""Forms of the programme and cohort pages (helper P).

Ids chosen in a form (partner, convention, programme, site, trainers) are typed choices
built from the member's scoped rows: an id outside them is a form error, never a query.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy

from tisser.core.forms import DateInput
from tisser.learning import content
from tisser.training.cohorts import MAX_TRAINERS, NAME_MAX
from tisser.training.enums import MAX_CAPACITY, MAX_SESSION_MINUTES, SessionDiagnostic
from tisser.training.programmes import MAX_PLAN_SESSIONS

WEEKDAYS = [
    (0, gettext_lazy("Lundi")),
    (1, gettext_lazy("Mardi")),
    (2, gettext_lazy("Mercredi")),
    (3, gettext_lazy("Jeudi")),
    (4, gettext_lazy("Vendredi")),
    (5, gettext_lazy("Samedi")),
    (6, gettext_lazy("Dimanche")),
]
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 1, 1)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def _day_field(label, help_text=""):
    return forms.DateField(
        label=label,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"required": gettext_lazy("Indiquez la date (jour, mois, année).")},
    )


def _bounded(form, *names):
    for name in names:
        day = form.cleaned_data.get(name)
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            form.add_error(name, gettext_lazy("Choisissez une date entre 2000 et 2100."))


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom du programme"), max_length=200)
    objective = forms.CharField(
        label=gettext_lazy("Objectif, en mots simples"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    total_hours = forms.DecimalField(
        label=gettext_lazy("Durée totale (heures)"),
        help_text=gettext_lazy("Par exemple 32. Les séances du déroulé devront faire ce total."),
        min_value=Decimal("0.5"),
        max_value=Decimal(600),
        decimal_places=2,
        max_digits=6,
    )
    target_participants = forms.IntegerField(
        label=gettext_lazy("Objectif de participants"),
        help_text=gettext_lazy("Par exemple 400 pour l'année."),
        min_value=1,
        max_value=100_000,
    )
    starts_on = _day_field(gettext_lazy("Début de la période"))
    ends_on = _day_field(gettext_lazy("Fin de la période"))
    eligible_public = forms.CharField(
        label=gettext_lazy("Public concerné"),
        help_text=gettext_lazy("Par exemple : demandeurs d'emploi orientés par France Travail."),
        max_length=300,
    )
    partner = forms.TypedChoiceField(
        label=gettext_lazy("Partenaire prescripteur"), coerce=int, required=False, empty_value=None
    )
    convention = forms.TypedChoiceField(
        label=gettext_lazy("Convention de financement"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    completion_percent = forms.IntegerField(
        label=gettext_lazy("Part des heures pour l'attestation (%)"),
        help_text=gettext_lazy("Une attestation est remise à partir de cette part des heures."),
        min_value=1,
        max_value=100,
        initial=80,
    )
    is_active = forms.BooleanField(
        label=gettext_lazy("Programme proposé aux espaces"), required=False, initial=True
    )

    def __init__(self, *args, partners=(), conventions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.partners = {p.pk: p for p in partners}
        self.conventions = {c.pk: c for c in conventions}
        self.fields["partner"].choices = [("", "—")] + [
            (p.pk, p.name) for p in self.partners.values()
        ]
        self.fields["convention"].choices = [("", "—")] + [
            (c.pk, str(c)) for c in self.conventions.values()
        ]

    def clean(self):
        cleaned = super().clean()
        _bounded(self, "starts_on", "ends_on")
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", gettext_lazy("La fin de la période vient après son début."))
        return cleaned

    def data_for_service(self) -> dict:
        cleaned = self.cleaned_data
        return {
            "name": cleaned["name"],
            "objective": cleaned["objective"],
            "total_minutes": round(cleaned["total_hours"] * 60),
            "target_participants": cleaned["target_participants"],
            "starts_on": cleaned["starts_on"],
            "ends_on": cleaned["ends_on"],
            "eligible_public": cleaned["eligible_public"],
            "partner": self.partners.get(cleaned["partner"]),
            "convention": self.conventions.get(cleaned["convention"]),
            "completion_percent": cleaned["completion_percent"],
            "is_active": cleaned["is_active"],
        }

    @staticmethod
    def initial_of(programme) -> dict:
        return {
            "name": programme.name,
            "objective": programme.objective,
            "total_hours": Decimal(programme.total_minutes) / 60,
            "target_participants": programme.target_participants,
            "starts_on": programme.starts_on,
            "ends_on": programme.ends_on,
            "eligible_public": programme.eligible_public,
            "partner": programme.partner_id,
            "convention": programme.convention_id,
            "completion_percent": programme.completion_percent,
            "is_active": programme.is_active,
        }


def module_choices():
    return [(row.key, row.title) for row in content.modules()]


class PlanSessionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Titre de la séance"), max_length=200)
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Durée (minutes)"),
        help_text=gettext_lazy("Par exemple 240 pour une demi-journée de 4 heures."),
        min_value=15,
        max_value=MAX_SESSION_MINUTES,
    )
    content = forms.CharField(
        label=gettext_lazy("Contenu"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    diagnostic = forms.ChoiceField(
        label=gettext_lazy("Diagnostic"),
        help_text=gettext_lazy(
            "Le diagnostic d'entrée se fait à la première séance, celui de sortie à la dernière."
        ),
        choices=SessionDiagnostic.choices,
        required=False,
    )
    modules = forms.MultipleChoiceField(
        label=gettext_lazy("Modules à faire pendant et après la séance"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    position = forms.IntegerField(
        label=gettext_lazy("Place dans le déroulé"),
        help_text=gettext_lazy("Laissez vide pour l'ajouter à la fin."),
        min_value=1,
        max_value=MAX_PLAN_SESSIONS,
        required=False,
    )

    def __init__(self, *args, with_position=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modules"].choices = module_choices()
        if not with_position:
            del self.fields["position"]

    def data_for_service(self) -> dict:
        cleaned = self.cleaned_data
        return {
            "title": cleaned["title"],
            "duration_minutes": cleaned["duration_minutes"],
            "content": cleaned["content"],
            "diagnostic": cleaned["diagnostic"] or "",
            "modules": list(cleaned["modules"]),
        }


class PlanMoveForm(forms.Form):
    position = forms.IntegerField(
        label=gettext_lazy("Nouvelle place"), min_value=1, max_value=MAX_PLAN_SESSIONS
    )


class CohortEditForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nom du groupe"),
        help_text=gettext_lazy("Par exemple « Groupe de mars »."),
        max_length=NAME_MAX,
    )
    room = forms.CharField(label=gettext_lazy("Salle"), max_length=120, required=False)
    capacity = forms.IntegerField(
        label=gettext_lazy("Places"), min_value=1, max_value=MAX_CAPACITY, initial=12
    )
    trainers = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Formateurs"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, trainers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainers"].choices = [
            (user.pk, user.get_full_name() or user.email) for user in trainers
        ]

    def clean_trainers(self):
        value = self.cleaned_data["trainers"]
        if len(value) > MAX_TRAINERS:
            raise forms.ValidationError(
                gettext_lazy("Choisissez %(count)s formateurs au plus."),
                params={"count": MAX_TRAINERS},
            )
        return value


class CohortCreateForm(CohortEditForm):
    programme = forms.TypedChoiceField(label=gettext_lazy("Programme"), coerce=int)
    site = forms.TypedChoiceField(label=gettext_lazy("Espace"), coerce=int)
    starts_on = _day_field(
        gettext_lazy("Premier jour"),
        gettext_lazy("Les séances commencent ce jour-là ou le premier jour de séance après."),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Jours des séances"),
        help_text=gettext_lazy("Les jours fériés et les fermetures de l'espace sont sautés."),
        coerce=int,
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Cochez au moins un jour de la semaine.")},
    )
    start_time = forms.TimeField(
        label=gettext_lazy("Heure de début"),
        widget=TimeInput(),
        error_messages={"required": gettext_lazy("Indiquez l'heure de début, par exemple 09:00.")},
    )
    field_order = [
        "programme",
        "site",
        "name",
        "starts_on",
        "weekdays",
        "start_time",
        "room",
        "capacity",
        "trainers",
    ]

    def __init__(self, *args, programmes=(), sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.programmes = {p.pk: p for p in programmes}
        self.sites = {s.pk: s for s in sites}
        self.fields["programme"].choices = [("", "—")] + [
            (p.pk, p.name) for p in self.programmes.values()
        ]
        if len(self.sites) > 1:
            self.fields["site"].choices = [(s.pk, s.name) for s in self.sites.values()]
        else:
            del self.fields["site"]

    def clean(self):
        cleaned = super().clean()
        _bounded(self, "starts_on")
        return cleaned


class SessionMoveForm(forms.Form):
    day = _day_field(gettext_lazy("Nouveau jour"))
    time = forms.TimeField(
        label=gettext_lazy("Heure de début"),
        widget=TimeInput(),
        error_messages={"required": gettext_lazy("Indiquez l'heure de début, par exemple 14:00.")},
    )

    def clean(self):
        cleaned = super().clean()
        _bounded(self, "day")
        return cleaned
