"""What the one-page summary of a bon d'orientation tells the person, and nothing more.

The summary is handed to the person (or sent to them) so they know where to go, when, with
what, and whom to call. It leaves out everything else on the bon: the reason written by the
referrer, the criteria, the situation, the birth year, the person's contact details.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tisser.accounts.enums import Weekday
from tisser.core.dates import format_when
from tisser.core.phones import display_phone
from tisser.referrals.enums import AppointmentStatus, Need, OfferFamily, ReferralStatus
from tisser.referrals.models import Referral

# A summary makes sense once the space has the bon, and until it is settled.
PRINTABLE_STATUSES = frozenset(
    {
        ReferralStatus.MODERATION_PENDING,
        ReferralStatus.SUBMITTED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.CONSUMED,
    }
)


@dataclass(frozen=True)
class OpeningDay:
    label: str
    slots: list[tuple[str, str]]


@dataclass(frozen=True)
class Summary:
    referral: Referral
    appointment_when: str
    appointment_place: str
    next_step: str
    opening_days: list[OpeningDay]
    to_bring: list[str]
    referrer_name: str
    referrer_organisation: str
    referrer_phone: str
    referrer_email: str
    site_phone: str


def _hour(value) -> str:
    return f"{value.hour} h" if value.minute == 0 else f"{value.hour} h {value.minute:02d}"


def opening_days(site) -> list[OpeningDay]:
    """The site's weekly hours, Monday first; days without a slot are left out."""
    by_day: dict[int, list] = {}
    for slot in site.opening_hours.all():
        by_day.setdefault(slot.weekday, []).append(slot)
    return [
        OpeningDay(
            label=str(label),
            slots=[
                (_hour(slot.opens_at), _hour(slot.closes_at))
                for slot in sorted(by_day[weekday], key=lambda slot: slot.opens_at)
            ],
        )
        for weekday, label in Weekday.choices
        if weekday in by_day
    ]


def things_to_bring(referral: Referral) -> list[str]:
    """Plain-French reminders: always this paper; then what the needs call for."""
    items = [_("Cette feuille, ou le SMS de rendez-vous.")]
    needs = set(referral.needs or ())
    offers = set(referral.requested_offers or ())
    if Need.ONLINE_PROCEDURES in needs:
        items.append(
            _(
                "Les papiers de la démarche (courrier reçu, numéro d'allocataire ou "
                "d'identifiant) et vos mots de passe si vous les avez."
            )
        )
    if needs & {Need.SKILLS, Need.ONLINE_PROCEDURES} or offers & {
        OfferFamily.TRAINING,
        OfferFamily.ACCOMPANIMENT,
    }:
        items.append(_("Votre téléphone ou votre ordinateur si vous en avez un, et son chargeur."))
    if needs & {Need.CONNECTION, Need.EQUIPMENT} or offers & {
        OfferFamily.COMPUTER,
        OfferFamily.SMARTPHONE,
        OfferFamily.SIM_CARD,
        OfferFamily.RECHARGE,
        OfferFamily.INTERNET_BOX,
    }:
        items.append(
            _(
                "Une pièce d'identité si vous en avez une : elle est demandée pour une carte SIM "
                "ou une box internet."
            )
        )
    return items


def build_summary(referral: Referral) -> Summary:
    """The summary of a referral loaded by ``selectors.referral_summary``."""
    planned = [a for a in referral.appointments.all() if a.status == AppointmentStatus.PLANNED]
    appointment = min(planned, key=lambda a: a.starts_at) if planned else None
    if appointment is not None:
        next_step = _(
            "Venez à l'heure du rendez-vous. Si vous ne pouvez pas venir, appelez l'espace."
        )
    elif referral.status == ReferralStatus.CONSUMED:
        next_step = _("Vous êtes déjà venu. Vous pouvez revenir aux horaires d'ouverture.")
    else:
        next_step = _(
            "L'espace va vous contacter pour vous donner un rendez-vous. Sans nouvelles dans "
            "une semaine, appelez-le."
        )
    referrer = referral.referrer
    partner = referral.partner
    return Summary(
        referral=referral,
        appointment_when=format_when(appointment.starts_at) if appointment else "",
        appointment_place=appointment.place if appointment else "",
        next_step=next_step,
        opening_days=opening_days(referral.site),
        to_bring=things_to_bring(referral),
        referrer_name=referrer.get_full_name() if referrer else "",
        referrer_organisation=partner.name if partner else "",
        referrer_phone=display_phone(partner.phone) if partner and partner.phone else "",
        referrer_email=(referrer.email if referrer else "") or (partner.email if partner else ""),
        site_phone=display_phone(referral.site.phone) if referral.site.phone else "",
    )
