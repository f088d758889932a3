"""Timeline provider: the referrals, appointments and messages of a file.

Found by core.timeline. Four queries per file, whatever the number of referrals:
their history rows, their appointments, their needs and motive, and the messages about them (which message, to
whom, by which channel, what became of it — never the text). Titles are plain French; the only
free text shown is the referrer's motive (NIR refused when it was written).
"""

from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.core.dates import format_when
from tisser.core.timeline import FileAction, TimelineEvent
from tisser.notifications.models import Notification
from tisser.referrals.appointments import BOOKING_ROLES
from tisser.referrals.enums import Need, ReferralSource, ReferralStatus
from tisser.referrals.models import Appointment, Referral, ReferralEvent

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
    # The appointments of its referrals, and those booked from the file itself.
    appointments = Appointment.objects.filter(
        Q(referral__beneficiary=beneficiary) | Q(beneficiary=beneficiary)
    ).select_related("referral")
    for appointment in appointments:
        when = format_when(appointment.starts_at)
        events.append(
            TimelineEvent(
                at=appointment.starts_at,
                kind=f"appointment.{appointment.status}",
                title=_("Rendez-vous du %(when)s : %(status)s")
                % {"when": when, "status": appointment.get_status_display().lower()},
                detail=appointment.place or appointment.reason,
                url=(
                    appointment.referral.get_absolute_url()
                    if appointment.referral is not None
                    else ""
                ),
            )
        )
    events.extend(_needs_events(beneficiary))
    events.extend(_message_events(beneficiary))
    return events


def _needs_events(beneficiary) -> list[TimelineEvent]:
    """What the person needed and why they were referred, shown from the referral itself
    (docs/decisions/0022-accompaniment-periods.md): one source, already NIR-checked."""
    events = []
    referrals = Referral.objects.filter(beneficiary=beneficiary).only(
        "pk", "needs", "reason", "submitted_at", "created_at"
    )
    for referral in referrals:
        needs = ", ".join(
            str(Need(code).label) if code in Need.values else code for code in referral.needs
        )
        parts = []
        if needs:
            parts.append(_("Besoins : %(needs)s") % {"needs": needs})
        if referral.reason:
            parts.append(_("Motif : %(reason)s") % {"reason": referral.reason})
        if not parts:
            continue
        events.append(
            TimelineEvent(
                at=referral.submitted_at or referral.created_at,
                kind="referral.needs",
                title=_("Besoins et motif de l'orientation %(reference)s")
                % {"reference": referral.reference},
                detail=" — ".join(parts),
                url=referral.get_absolute_url(),
            )
        )
    return events


def _message_events(beneficiary) -> list[TimelineEvent]:
    """One event per message recorded about one of the file's referrals."""
    referrals = Referral.objects.filter(beneficiary=beneficiary).values("pk")
    notifications = Notification.objects.about(Referral._meta.label_lower, referrals).order_by(
        "created_at", "pk"
    )
    events = []
    for notification in notifications:
        recipient = (
            _("Le prescripteur, pour la personne")
            if notification.via_referrer
            else notification.get_recipient_kind_display()
        )
        events.append(
            TimelineEvent(
                at=notification.sent_at or notification.created_at,
                kind=f"notification.{notification.status}",
                title=_("%(channel)s : %(label)s")
                % {
                    "channel": notification.get_channel_display(),
                    "label": notification.label,
                },
                detail=_("%(recipient)s — %(status)s")
                % {"recipient": recipient, "status": notification.get_status_display()},
                # The referral's page lists its messages (and warns about unconfirmed ones).
                url=Referral(pk=notification.subject_id).get_absolute_url(),
            )
        )
    return events


def file_actions(beneficiary, membership) -> list[FileAction]:
    """« Prendre un rendez-vous » for the site team of the file's own space."""
    if (
        membership is None
        or not membership.is_active
        or membership.role not in BOOKING_ROLES
        or membership.organisation_id != beneficiary.site_id
        or beneficiary.merged_into_id
    ):
        return []
    url = f"{reverse('appointments:book')}?{urlencode({'dossier': beneficiary.pk})}"
    return [FileAction(label=_("Prendre un rendez-vous"), url=url)]
