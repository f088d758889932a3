"""Timeline provider: the messages sent about a file (discovered by core.timeline)."""

from django.db.models import Q
from django.utils.translation import gettext as _

from tisser.core.timeline import TimelineEvent
from tisser.notifications.messages import template_label
from tisser.notifications.models import Notification


def timeline_events(beneficiary) -> list[TimelineEvent]:
    """One event per message recorded for the file or for a referral linked to it.

    Says which message, to whom, by which channel and what became of it — never the text.
    """
    notifications = Notification.objects.filter(
        Q(beneficiary=beneficiary) | Q(referral__beneficiary=beneficiary)
    ).order_by("created_at", "pk")
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
                    "label": template_label(notification.template),
                },
                detail=_("%(recipient)s — %(status)s")
                % {"recipient": recipient, "status": notification.get_status_display()},
            )
        )
    return events
