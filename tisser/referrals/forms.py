"""Forms of the referral pages: the partner's referral form, the site's answers, the filters."""

import copy
import datetime
from datetime import timedelta
from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Partner, Site, User
from tisser.accounts.selectors import partner_choices, site_choices
from tisser.beneficiaries.enums import (
    CURRENT_NOTICE_VERSION,
    ContactChannel,
    SocialStatus,
)
from tisser.beneficiaries.forms import (
    PersonFieldsMixin,
    criteria_field,
    jobseeker_field,
    situation_cleaned,
    situation_initial,
)
from tisser.core import clock
from tisser.core.choices import in_choice_order
from tisser.core.dates import format_day
from tisser.core.forms import DateInput
from tisser.core.ids import IdChoiceField
from tisser.core.names import normalize_name
from tisser.core.validators import reject_nir
from tisser.referrals.enums import (
    ANSWER_DELAY_DAYS,
    REMINDER_EVERY_DAYS,
    Need,
    OfferFamily,
    ReferralSource,
    ReferralStatus,
    RejectionReason,
)
from tisser.referrals.models import Referral
from tisser.referrals.transitions import latest_appointment_date, too_far_message

CHANNELS_NEEDING_PHONE = (ContactChannel.SMS, ContactChannel.CALL)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


# --- the partner's referral form ---------------------------------------------------------


class ReferralForm(PersonFieldsMixin, forms.ModelForm):
    """Everything a referrer says about the person. ``submitting`` asks for the complete
    form (the « Envoyer » button); a draft only needs a first name, a postal code and a space.
    """

    is_jobseeker = jobseeker_field()
    eligibility_criteria = criteria_field(_("Critères déclarés (facultatif)"))
    needs = forms.MultipleChoiceField(
        label=_("Besoins"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    requested_offers = forms.MultipleChoiceField(
        label=_("Offres demandées (facultatif)"),
        choices=OfferFamily.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notice_given = forms.BooleanField(
        label=_(
            "J'ai remis à la personne la notice d'information sur ses données (version %(version)s)."
        )
        % {"version": CURRENT_NOTICE_VERSION},
        required=False,
    )

    class Meta:
        model = Referral
        fields = [
            "first_name",
            "last_name",
            "birth_year",
            "phone",
            "email",
            "preferred_channel",
            "postal_code",
            "commune",
            "social_status",
            "is_jobseeker",
            "eligibility_criteria",
            "needs",
            "requested_offers",
            "reason",
            "site",
        ]
        # An absurd id in the space's select is an invalid choice, not a 500.
        field_classes = {"site": IdChoiceField}
        labels = {
            "first_name": _("Prénom"),
            "last_name": _("Nom"),
            "birth_year": _("Année de naissance"),
            "phone": _("Téléphone"),
            "email": _("E-mail (facultatif)"),
            "preferred_channel": _("Comment prévenir la personne du rendez-vous ?"),
            "postal_code": _("Code postal"),
            "commune": _("Commune"),
            "social_status": _("Situation"),
            "reason": _("Motif de l'orientation"),
            "site": _("Espace qui recevra la personne"),
        }
        help_texts = {
            "birth_year": _("Par exemple 1985. Elle aide à ne pas créer deux dossiers."),
            "phone": _("Un numéro de portable pour recevoir le rendez-vous par SMS."),
            "postal_code": _("5 chiffres. Il sert à proposer l'espace le plus proche."),
            "reason": _(
                "Restez factuel : décrivez le besoin, sans jugement ni information de santé. "
                "La personne peut lire ce texte."
            ),
        }
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "preferred_channel": forms.RadioSelect,
            "postal_code": forms.TextInput(
                attrs={"inputmode": "numeric", "maxlength": 5, "autocomplete": "off"}
            ),
            "reason": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "first_name": {"required": _("Indiquez le prénom de la personne.")},
            "postal_code": {"required": _("Indiquez le code postal de la personne.")},
            "site": {
                "required": _("Choisissez l'espace qui recevra la personne."),
                "invalid_choice": _("Choisissez un espace ouvert de la liste."),
            },
            "birth_year": {"invalid": _("Indiquez une année en chiffres, par exemple 1985.")},
            "email": {"invalid": _("Cette adresse e-mail n'est pas valide.")},
        }

    def chosen_site(self):
        """The space chosen in the form (posted or proposed), among the allowed ones."""
        raw = self.data.get("site") if self.is_bound else self.initial.get("site")
        if raw is None and self.instance.pk:
            raw = self.instance.site_id
        if isinstance(raw, Site):
            raw = raw.pk
        try:
            return self.fields["site"].clean(raw) if raw not in (None, "") else None
        except forms.ValidationError:
            return None

    def __init__(self, *args, partner: Partner, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.fields["site"].queryset = Site.objects.filter(
            network_id=partner.network_id, is_active=True
        ).order_by("city", "name")
        self.fields["site"].empty_label = _("Choisissez un espace")
        self.fields["preferred_channel"].choices = ContactChannel.choices
        self.fields["social_status"].choices = SocialStatus.choices
        self.fields["birth_year"].widget.attrs.update({"min": 1900, "max": clock.localdate().year})
        # With JavaScript, typing the postal code refreshes the suggested space (HTMX);
        # without, the « Proposer » button of the form does the same.
        self.fields["postal_code"].widget.attrs.update(
            {
                "hx-get": reverse("referrals:suggest_site"),
                "hx-trigger": "input changed delay:400ms, change",
                "hx-target": "#target-site",
                "hx-swap": "innerHTML",
            }
        )
        self.fields["reason"].widget.attrs["aria-describedby"] = (
            "reason-reminder id_reason_helptext"
        )
        # Choosing the space shows what it sells (core registry ``site_offers``, HTMX).
        self.fields["site"].widget.attrs.update(
            {
                "hx-get": reverse("referrals:site_offers"),
                "hx-trigger": "change",
                "hx-target": "#site-offers",
                "hx-swap": "innerHTML",
                "aria-describedby": "site-offers",
            }
        )
        if self.instance.pk:
            self.initial.update(situation_initial(self.instance))
            self.initial["notice_given"] = bool(self.instance.notice_version)

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not (1900 <= year <= clock.localdate().year):
            raise ValidationError(_("Indiquez une année de naissance entre 1900 et aujourd'hui."))
        return year

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()

    def clean_postal_code(self):
        code = (self.cleaned_data.get("postal_code") or "").strip().replace(" ", "")
        if not (len(code) == 5 and code.isdigit()):
            raise ValidationError(_("Le code postal a 5 chiffres, par exemple 67000."))
        return code

    def clean_needs(self):
        return in_choice_order(self.cleaned_data.get("needs"), Need)

    def clean_requested_offers(self):
        return in_choice_order(self.cleaned_data.get("requested_offers"), OfferFamily)

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        reject_nir(reason)
        return reason

    def clean(self):
        cleaned = super().clean()
        situation_cleaned(cleaned)
        channel = cleaned.get("preferred_channel")
        if (
            channel in CHANNELS_NEEDING_PHONE
            and not cleaned.get("phone")
            and "phone" not in (self.errors)
        ):
            self.add_error("phone", _("Pour un SMS ou un appel, indiquez le téléphone."))
        if (
            channel == ContactChannel.EMAIL
            and not cleaned.get("email")
            and "email" not in (self.errors)
        ):
            self.add_error("email", _("Pour un message par e-mail, indiquez l'adresse e-mail."))
        if self.submitting:
            if not cleaned.get("last_name") and "last_name" not in self.errors:
                self.add_error("last_name", _("Indiquez le nom de la personne."))
            if (
                not cleaned.get("phone")
                and not cleaned.get("email")
                and not ({"phone", "email"} & set(self.errors))
            ):
                self.add_error(
                    "phone",
                    _("Indiquez au moins un téléphone ou un e-mail pour joindre la personne."),
                )
            if not cleaned.get("needs"):
                self.add_error("needs", _("Cochez au moins un besoin."))
            if not cleaned.get("notice_given"):
                self.add_error(
                    "notice_given",
                    _("Remettez la notice d'information à la personne, puis cochez cette case."),
                )
        return cleaned

    def changes(self) -> dict:
        """The person, situation and needs for the draft services (the space goes apart)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "site"}
        data["notice_given"] = self.cleaned_data["notice_given"]
        return data


class PostalCodeForm(forms.Form):
    """The postal code typed in the referral form, sent alone to suggest the nearest space."""

    postal_code = forms.CharField(max_length=10, required=False)

    def code(self) -> str:
        if not self.is_valid():
            return ""
        code = self.cleaned_data["postal_code"].strip().replace(" ", "")
        return code if len(code) == 5 and code.isdigit() else ""


# --- the site's answers -------------------------------------------------------------------


def site_team(site_id: int):
    """The people who can receive someone at a site: its active managers and mediators."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=site_id,
            memberships__is_active=True,
            memberships__role__in=(Role.SITE_MANAGER, Role.MEDIATOR),
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def site_place(site: Site) -> str:
    return f"{site.address}, {site.postal_code} {site.city}"


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
            "date": format_day(latest)
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


class AppointmentForm(WhenFields):
    """Date, time, place and mediator of the appointment offered to the person."""

    place = forms.CharField(
        label=_("Lieu"),
        max_length=255,
        help_text=_("L'adresse envoyée à la personne. Par défaut, celle de l'espace."),
        error_messages={"required": _("Indiquez le lieu du rendez-vous.")},
        validators=[reject_nir],
    )
    mediator = IdChoiceField(
        label=_("Médiateur qui recevra la personne"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Pas encore choisi"),
        error_messages={"invalid_choice": _("Choisissez une personne de l'équipe de l'espace.")},
    )

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        self.fields["place"].initial = site_place(site)
        self.fields["mediator"].queryset = site_team(site.pk)
        self.fields["mediator"].label_from_instance = lambda user: (
            user.get_full_name() or user.email
        )


class RejectForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("Motifs du refus"),
        choices=RejectionReason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un motif.")},
    )
    message = forms.CharField(
        label=_("Message au prescripteur"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Expliquez le refus en quelques mots factuels. La personne peut le lire."),
        error_messages={"required": _("Écrivez un message au prescripteur.")},
        validators=[reject_nir],
    )

    def clean_reasons(self):
        return in_choice_order(self.cleaned_data.get("reasons"), RejectionReason)

    def clean_message(self):
        message = (self.cleaned_data.get("message") or "").strip()
        if not message:
            raise ValidationError(_("Écrivez un message au prescripteur."))
        return message


class CameForm(forms.Form):
    """The person came: create their file, or link the file the site already has."""

    NEW = "new"

    file = forms.ChoiceField(
        label=_("Dossier de la personne"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez un dossier, ou d'en créer un nouveau.")},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(c.beneficiary.pk): c.beneficiary for c in candidates}
        self.fields["file"].choices = [
            *[
                (
                    pk,
                    _("Relier au dossier %(number)s : %(first)s %(last)s, né(e) en %(year)s")
                    % {
                        "number": beneficiary.file_number,
                        "first": beneficiary.first_name,
                        "last": beneficiary.last_name,
                        "year": beneficiary.birth_year or "—",
                    },
                )
                for pk, beneficiary in self.candidates.items()
            ],
            (self.NEW, _("Créer un nouveau dossier")),
        ]
        self.fields["file"].initial = self.NEW
        if not self.candidates:
            self.fields["file"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        cleaned["existing"] = self.candidates.get(cleaned.get("file") or self.NEW)
        return cleaned


class ShortNoteForm(forms.Form):
    """An optional factual note written in the referral's history (cancel, moderation)."""

    note = forms.CharField(
        label=_("Message (facultatif)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_nir],
    )

    def __init__(self, *args, label=None, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["note"].label = label
        self.fields["note"].required = required
        self.fields["note"].error_messages["required"] = _("Écrivez un message.")


class TransferForm(forms.Form):
    """Another open space of the referral's network, and why the person should go there."""

    site = IdChoiceField(
        label=_("Espace qui recevra la personne"),
        queryset=Site.objects.none(),
        empty_label=_("Choisissez un espace"),
        error_messages={
            "required": _("Choisissez l'espace qui recevra la personne."),
            "invalid_choice": _("Choisissez un espace de la liste."),
        },
    )
    reason = forms.CharField(
        label=_("Pourquoi ce transfert ?"),
        help_text=_(
            "Quelques mots, envoyés au prescripteur et au nouvel espace "
            "(par exemple : la personne habite à côté de l'autre espace)."
        ),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_nir],
        error_messages={
            "required": _("Expliquez en quelques mots pourquoi vous transférez ce bon.")
        },
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = (
            Site.objects.active()
            .filter(network_id=referral.site.network_id)
            .exclude(pk=referral.site_id)
            .order_by("city", "name")
        )


# --- filters -----------------------------------------------------------------------------


def _name_filter(queryset, query: str):
    for token in normalize_name(query).split():
        queryset = queryset.filter(search_key__contains=token)
    return queryset


class PartnerReferralFilterForm(forms.Form):
    """Filters of the partner's list: status, period (creation date), name."""

    q = forms.CharField(label=_("Nom ou prénom"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous les statuts")), *ReferralStatus.choices],
    )
    date_from = forms.DateField(label=_("Créé depuis le"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Jusqu'au"), required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("La date de fin doit être après la date de début."))
        return cleaned

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = _name_filter(queryset, data["q"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["date_from"]:
            queryset = queryset.filter(created_at__date__gte=data["date_from"])
        if data["date_to"]:
            queryset = queryset.filter(created_at__date__lte=data["date_to"])
        return queryset


AGE_CHOICES = [
    ("", _("Toutes")),
    ("lt3", _("Moins de 3 jours")),
    ("3to10", _("De 3 à 10 jours")),
    ("gt10", _("Plus de %(days)s jours") % {"days": REMINDER_EVERY_DAYS}),
    ("gt20", _("Plus de %(days)s jours") % {"days": 2 * REMINDER_EVERY_DAYS}),
]
INBOX_STATUSES = [
    ReferralStatus.SUBMITTED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.CONSUMED,
    ReferralStatus.REJECTED,
    ReferralStatus.EXPIRED,
    ReferralStatus.CANCELLED,
]


class InboxFilterForm(forms.Form):
    """Filters of the site inbox: status (new by default), partner, age, and site for admins."""

    status = forms.ChoiceField(label=_("Statut"), required=False)
    partner = IdChoiceField(
        label=_("Partenaire"),
        required=False,
        queryset=Partner.objects.none(),
        empty_label=_("Tous les partenaires"),
    )
    age = forms.ChoiceField(
        label=_("Envoyé depuis"),
        required=False,
        choices=AGE_CHOICES,
        help_text=_("Sans réponse, un bon expire après %(days)s jours.")
        % {"days": ANSWER_DELAY_DAYS},
    )
    q = forms.CharField(label=_("Nom ou prénom"), required=False, max_length=100)
    source = forms.ChoiceField(
        label=_("Origine"),
        required=False,
        choices=[
            ("", _("Toutes")),
            (ReferralSource.PUBLIC_REQUEST, _("Demandes d'aide du site public")),
            (ReferralSource.PARTNER, _("Bons des partenaires")),
        ],
    )
    site = IdChoiceField(
        label=_("Espace"),
        required=False,
        queryset=Site.objects.none(),
        empty_label=_("Tous les espaces"),
    )

    # The fields of a site role's form and of a network admin's (with the site), built once
    # per process: Django deep-copies every declared field for each form, a millisecond of
    # each inbox page (docs/decisions/0018-signed-in-page-cost.md, fourth round). Only the
    # partner and site lists, which depend on the network and the data, are copied and drawn
    # for each request; the other fields hold nothing of a request (lazy labels, fixed
    # choices) and are shared.
    _prepared: ClassVar[dict[bool, dict[str, forms.Field]]] = {}
    PER_REQUEST = ("partner", "site")

    @classmethod
    def _prepared_fields(cls, admin: bool) -> dict[str, forms.Field]:
        prepared = cls._prepared.get(admin)
        if prepared is None:
            prepared = copy.deepcopy(cls.base_fields)
            prepared["status"].choices = [
                ("", _("Nouveaux (à traiter)")),
                *[(status.value, status.label) for status in INBOX_STATUSES],
                ("all", _("Tous")),
            ]
            if not admin:
                del prepared["site"]
            cls._prepared[admin] = prepared
        return prepared

    def __init__(self, *args, membership, **kwargs):
        admin = membership.role == Role.NETWORK_ADMIN
        self.base_fields = {}  # nothing for Form.__init__ to deep-copy: see _prepared
        super().__init__(*args, **kwargs)
        del self.base_fields
        self.fields = {
            name: copy.deepcopy(field) if name in self.PER_REQUEST else field
            for name, field in self._prepared_fields(admin).items()
        }
        if admin:
            network_id = membership.organisation_id
            self.fields["site"].queryset = Site.objects.filter(network_id=network_id)
            self.fields["site"].draw_choices(site_choices(network_id=network_id))
        else:
            network_id = membership.organisation.network_id
        # The lists are drawn from plain rows (one query compiled once, no object per
        # choice); a chosen id is checked against the querysets.
        self.fields["partner"].queryset = Partner.objects.filter(network_id=network_id)
        self.fields["partner"].draw_choices(partner_choices(network_id=network_id))

    def status_only(self) -> str | None:
        """The one status the list is narrowed to when nothing else narrows it (what
        ``filter`` does then), else None: the inbox's usual view, read by fixed queries."""
        if not (self.is_bound and self.is_valid()):
            return ReferralStatus.SUBMITTED
        data = self.cleaned_data
        if any(data.get(name) for name in ("partner", "site", "q", "source")):
            return None
        if data["age"] in ("lt3", "3to10", "gt10", "gt20"):
            return None
        status = data["status"] or ReferralStatus.SUBMITTED
        return None if status == "all" else status

    def filter(self, queryset):
        status = ReferralStatus.SUBMITTED
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            status = data["status"] or ReferralStatus.SUBMITTED
            if data["partner"]:
                queryset = queryset.filter(partner=data["partner"])
            if data.get("site"):
                queryset = queryset.filter(site=data["site"])
            if data["q"]:
                queryset = _name_filter(queryset, data["q"])
            if data["source"]:
                queryset = queryset.filter(source=data["source"])
            queryset = self._filter_age(queryset, data["age"])
        if status == "all":
            return queryset.filter(status__in=[s.value for s in INBOX_STATUSES])
        return queryset.filter(status=status)

    @staticmethod
    def _filter_age(queryset, age: str):
        now = clock.now()
        if age == "lt3":
            return queryset.filter(submitted_at__gt=now - timedelta(days=3))
        if age == "3to10":
            return queryset.filter(
                submitted_at__lte=now - timedelta(days=3),
                submitted_at__gt=now - timedelta(days=REMINDER_EVERY_DAYS),
            )
        if age == "gt10":
            return queryset.filter(submitted_at__lte=now - timedelta(days=REMINDER_EVERY_DAYS))
        if age == "gt20":
            return queryset.filter(submitted_at__lte=now - timedelta(days=2 * REMINDER_EVERY_DAYS))
        return queryset


class ModerationFilterForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Origine"),
        required=False,
        choices=[
            ("", _("Toutes")),
            ("partner", _("Partenaires à valider")),
            ("public_request", _("Demandes du site public")),
        ],
    )

    def filter(self, queryset):
        if self.is_valid() and self.cleaned_data["source"] == "public_request":
            return queryset.filter(partner__isnull=True)
        if self.is_valid() and self.cleaned_data["source"] == "partner":
            return queryset.filter(partner__isnull=False)
        return queryset
