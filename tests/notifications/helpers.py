"""The notify() calls the notification tests make again and again, one per recipient kind.

Each names the referral, the event key (unique per event) and, when it is not the usual
one, the template; anything else (``site=``…) goes to ``notify`` unchanged.
"""

from tisser.notifications.models import RecipientKind
from tisser.notifications.services import notify


def notify_person(referral, event_key, *, template="referral_accepted_person", **kwargs):
    return notify(
        event_key=event_key,
        template=template,
        recipient_kind=RecipientKind.PERSON,
        subject=referral,
        **kwargs,
    )


def notify_accepted(referral, **kwargs):
    """The appointment message to the person, under the accept transition's key."""
    return notify_person(referral, f"referral:{referral.pk}:accepted:person", **kwargs)


def notify_referrer(referral, event_key, *, template="referral_accepted_referrer", **kwargs):
    return notify(
        event_key=event_key,
        template=template,
        recipient_kind=RecipientKind.REFERRER,
        subject=referral,
        **kwargs,
    )


def notify_site_team(referral, event_key, *, template="referral_submitted_site", **kwargs):
    return notify(
        event_key=event_key,
        template=template,
        recipient_kind=RecipientKind.SITE_TEAM,
        subject=referral,
        **kwargs,
    )
