"""Forms of the appointments booked from a file or for a walk-in, and of "reporter"."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from tisser.accounts.models import Site, User
from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.core.forms import DateInput
from tisser.core.ids import IdChoiceField
from tisser.core.phones import normalize_phone
from tisser.core.validators import reject_nir
from tisser.referrals.forms import TimeInput, site_team
from tisser.referrals.transitions import latest_appointment_date, too_far_message


class WhenFields(forms.Form):
    """A date and a time at the site, in the future and within the booking horizon."""

    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        error_messages={
            "required": _("Indiquez la date du rendez-vous."),
            "invalid": _("Indiquez une date valide, par exemple 14/03/2026."),
        },
    )
    time = forms.TimeField(
        label=_("Heure"),
        widget=TimeInput(),
        help_text=_("Pendant les horaires d'ouverture de l'espace, par exemple 14:30."),
        error_messages={
            "required": _("Indiquez l'heure du rendez-vous."),
            "invalid": _("Indiquez une heure au format HH:MM, par exemple 09:30."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = clock.localdate()
        latest = latest_appointment_date(today)
        self.fields["date"].widget.attrs.update(min=today.isoformat(), max=latest.isoformat())
        self.fields["date"].help_text = _("Une date à venir, au plus tard le %(date)s.") % {
            "date": formats.date_format(latest, "j F Y")
        }

    def clean(self):
        cleaned = super().clean()
        date, time = cleaned.get("date"), cleaned.get("time")
        if date and time:
            starts_at = timezone.make_aware(datetime.datetime.combine(date, time))
            today = clock.localdate()
            if starts_at <= clock.now():
                self.add_error("date", _("Le rendez-vous doit être dans le futur."))
            elif date > latest_appointment_date(today):
                self.add_error("date", too_far_message(today))
            cleaned["starts_at"] = starts_at
        return cleaned


class PostponeForm(WhenFields):
    """The new date and time of a planned appointment."""


class BookingForm(WhenFields):
    """Who (a file of the site, or a walk-in's first name), when, with whom, why."""

    beneficiary = IdChoiceField(
        label=_("Dossier de la personne"),
        queryset=Beneficiary.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Ce dossier n'est pas suivi par votre espace.")},
    )
    file_number = forms.CharField(
        label=_("Numéro de dossier"),
        max_length=20,
        required=False,
        help_text=_("Si la personne a un dossier, par exemple STR-000123. Sinon, laissez vide."),
    )
    walk_in_name = forms.CharField(
        label=_("Prénom de la personne (sans dossier)"),
        max_length=100,
        required=False,
        validators=[reject_nir],
        help_text=_("Pour une personne sans dossier : son prénom seulement."),
    )
    walk_in_phone = forms.CharField(
        label=_("Téléphone portable (sans dossier)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=_("Facultatif : pour lui envoyer un rappel par SMS la veille."),
    )
    mediator = IdChoiceField(
        label=_("Qui reçoit la personne"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Choisissez la personne de l'équipe qui reçoit."),
            "invalid_choice": _("Choisissez une personne de l'équipe de l'espace."),
        },
    )
    reason = forms.CharField(
        label=_("Motif"),
        max_length=200,
        required=False,
        validators=[reject_nir],
        help_text=_("En quelques mots, par exemple « dossier CAF en ligne »."),
    )
    field_order = [
        "beneficiary",
        "file_number",
        "walk_in_name",
        "walk_in_phone",
        "date",
        "time",
        "mediator",
        "reason",
    ]

    def __init__(self, *args, site: Site, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        files = Beneficiary.objects.active().filter(site=site)
        self.files = files
        self.fields["beneficiary"].queryset = files
        self.fields["mediator"].queryset = site_team(site.pk)
        self.fields["mediator"].label_from_instance = lambda u: u.get_full_name() or u.email
        self.fields["mediator"].initial = user.pk

    def clean_walk_in_phone(self):
        try:
            return normalize_phone(self.cleaned_data.get("walk_in_phone") or "")
        except ValidationError as error:
            raise ValidationError(error.messages) from error

    def clean(self):
        cleaned = super().clean()
        number = (cleaned.get("file_number") or "").strip().upper()
        if number and not cleaned.get("beneficiary"):
            found = self.files.filter(file_number=number).first()
            if found is None:
                self.add_error(
                    "file_number", _("Aucun dossier de votre espace ne porte ce numéro.")
                )
            cleaned["beneficiary"] = found
        name = (cleaned.get("walk_in_name") or "").strip()
        if not cleaned.get("beneficiary") and not name and "file_number" not in self.errors:
            self.add_error(
                "walk_in_name",
                _("Indiquez le numéro de dossier, ou le prénom d'une personne sans dossier."),
            )
        return cleaned
