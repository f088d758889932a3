"""Timeline provider: the referrals and appointments of a file (found by core.timeline).

Two queries per file, whatever the number of referrals: their history rows, and their
appointments. Titles are plain French; no free text about the person is shown here.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.core.dates import format_when
from tisser.core.timeline import TimelineEvent
from tisser.referrals.enums import ReferralSource, ReferralStatus
from tisser.referrals.models import Appointment, ReferralEvent

S = ReferralStatus
TITLES: dict[str, Any] = {
    S.MODERATION_PENDING: gettext_lazy("Bon d'orientation en attente de modération"),
    S.MODERATION_REJECTED: gettext_lazy("Bon d'orientation refusé à la modération"),
    S.SUBMITTED: gettext_lazy("Bon d'orientation reçu"),
    S.ACCEPTED: gettext_lazy("Bon d'orientation accepté, rendez-vous proposé"),
    S.REJECTED: gettext_lazy("Bon d'orientation refusé"),
    S.EXPIRED: gettext_lazy("Bon d'orientation expiré"),
    S.CANCELLED: gettext_lazy("Bon d'orientation annulé"),
    S.CONSUMED: gettext_lazy("Personne venue : bon d'orientation utilisé"),
}


def _origin(referral) -> str:
    if referral.source == ReferralSource.PUBLIC_REQUEST:
        return _("Demande d'aide sur le site public")
    if referral.partner is not None:
        return referral.partner.name
    return referral.get_source_display()


def timeline_events(beneficiary) -> list[TimelineEvent]:
    events = []
    history = (
        ReferralEvent.objects.filter(referral__beneficiary=beneficiary)
        .exclude(to_status=S.DRAFT)
        .select_related("referral__partner")
        .order_by("at", "pk")
    )
    for row in history:
        referral = row.referral
        # "accepted -> accepted" rows are a new appointment or a missed one: their note says which.
        title = row.note if row.from_status == row.to_status and row.note else TITLES[row.to_status]
        events.append(
            TimelineEvent(
                at=row.at,
                kind=f"referral.{row.to_status}",
                title=str(title),
                detail=f"{referral.reference} — {_origin(referral)}",
                url=referral.get_absolute_url(),
            )
        )
    appointments = Appointment.objects.filter(referral__beneficiary=beneficiary).select_related(
        "referral"
    )
    for appointment in appointments:
        when = format_when(appointment.starts_at)
        events.append(
            TimelineEvent(
                at=appointment.starts_at,
                kind=f"appointment.{appointment.status}",
                title=_("Rendez-vous du %(when)s : %(status)s")
                % {"when": when, "status": appointment.get_status_display().lower()},
                detail=appointment.place,
                url=appointment.referral.get_absolute_url(),
            )
        )
    return events
