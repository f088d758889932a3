"""Forms of the workshop pages: the workshop, « Inscrire quelqu'un », and the public
registration (a first name and a phone, nothing more, with the anonymous-form honeypot)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisser.activities.enums import Theme, WorkshopLevel
from tisser.core.anonymous import HoneypotMixin
from tisser.core.phones import is_french_mobile, normalize_phone
from tisser.core.validators import reject_nir
from tisser.training.enums import MAX_CAPACITY


class WorkshopForm(forms.Form):
    site = forms.TypedChoiceField(label=_("Espace"), coerce=int, required=False, choices=())
    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        validators=[reject_nir],
        help_text=_("Court et clair, par exemple « Envoyer une photo par e-mail »."),
    )
    theme = forms.ChoiceField(label=_("Thématique"), choices=Theme.choices)
    level = forms.ChoiceField(label=_("Niveau"), choices=WorkshopLevel.choices)
    description = forms.CharField(
        label=_("Ce qu'on y fait, en mots simples"),
        required=False,
        max_length=1000,
        validators=[reject_nir],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Heure de début"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=_("Heure de fin"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(
        label=_("Lieu dans l'espace"),
        required=False,
        max_length=200,
        validators=[reject_nir],
        help_text=_("Par exemple « Salle informatique, 1er étage »."),
    )
    capacity = forms.IntegerField(label=_("Nombre de places"), min_value=1, max_value=MAX_CAPACITY)
    is_public = forms.BooleanField(
        label=_("Visible sur l'agenda public : les personnes peuvent s'inscrire en ligne"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        if sites:
            self.fields["site"].choices = [(site.pk, site.name) for site in sites]
            self.fields["site"].required = True
        else:
            del self.fields["site"]

    @staticmethod
    def initial_for(workshop) -> dict:
        start = timezone.localtime(workshop.starts_at)
        end = timezone.localtime(workshop.ends_at)
        return {
            "title": workshop.title,
            "theme": workshop.theme,
            "level": workshop.level,
            "description": workshop.description,
            "day": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "place": workshop.place,
            "capacity": workshop.capacity,
            "is_public": workshop.is_public,
        }

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("L'heure de fin vient après l'heure de début."))
            cleaned["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, start))
            cleaned["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, end))
        return cleaned

    def values(self) -> dict:
        data = self.cleaned_data
        names = ("title", "theme", "level", "description", "place", "capacity", "is_public")
        values = {name: data[name] for name in names}
        values["starts_at"] = data["starts_at"]
        values["ends_at"] = data["ends_at"]
        return values


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else value


class SomeoneForm(forms.Form):
    """« Inscrire quelqu'un » without a file: a first name and a phone."""

    first_name = forms.CharField(label=_("Prénom"), max_length=60, validators=[reject_nir])
    phone = PhoneField(label=_("Téléphone"), help_text=_("Par exemple 06 12 34 56 78."))


class FileForm(forms.Form):
    beneficiary = forms.IntegerField(min_value=1, max_value=2**62)


class PublicRegistrationForm(HoneypotMixin, forms.Form):
    """The person's registration: first name and phone, nothing more. The honeypot field
    ``site_web`` comes from HoneypotMixin (tisser/core/anonymous.py)."""

    first_name = forms.CharField(
        label=_("Votre prénom"),
        max_length=60,
        validators=[reject_nir],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    phone = PhoneField(
        label=_("Votre numéro de portable"),
        help_text=_("Par exemple 06 12 34 56 78. Vous recevez un SMS pour confirmer."),
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if not phone:
            raise ValidationError(_("Indiquez votre numéro de portable."))
        if not is_french_mobile(phone):
            # The confirmation and the link to cancel come by SMS (decision 0010: French
            # mobiles only for messages that an anonymous form triggers).
            raise ValidationError(
                _(
                    "Indiquez un numéro de portable qui commence par 06 ou 07 : la "
                    "confirmation arrive par SMS. Sans portable, appelez l'espace."
                )
            )
        return phone
