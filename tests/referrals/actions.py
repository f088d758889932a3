"""Test helpers: put a referral in any status, and perform any action of the state machine."""

import datetime

from django.forms.models import model_to_dict
from django.utils import timezone

from tests.accounts.factories import SiteFactory
from tests.referrals.factories import AppointmentFactory
from tisser.core import clock
from tisser.core.holidays import holiday_name
from tisser.core.models import JournalEntry
from tisser.notifications.models import Notification
from tisser.referrals import transitions as t
from tisser.referrals.enums import AppointmentStatus, ReferralStatus
from tisser.referrals.models import Appointment, ReferralEvent

S = ReferralStatus

# Every action of the table, and who performs it by default (None: the system).
DEFAULT_ACTOR = {
    t.SUBMIT: "referrer",
    t.MODERATION_APPROVE: "admin",
    t.MODERATION_REJECT: "admin",
    t.ACCEPT: "manager",
    t.REJECT: "manager",
    t.REBOOK: "manager",
    t.MARK_CAME: "manager",
    t.MARK_NO_SHOW: "manager",
    t.CANCEL: "referrer",
    t.EXPIRE: None,
    t.TRANSFER: "manager",
}
ACTIONS = tuple(DEFAULT_ACTOR)
# Statuses a referral has been sent to the site in (it carries ``submitted_at``).
SENT = {S.SUBMITTED, S.ACCEPTED, S.REJECTED, S.EXPIRED, S.CONSUMED}
# Far enough in the future for every delay of the lifecycle to be over.
LATER = datetime.timedelta(days=100)


def prepare(world, status, **kwargs):
    """A referral of ``world.partner`` to ``world.site`` in ``status``, with its history and,
    when accepted or consumed, its appointment."""
    now = timezone.now()
    kwargs.setdefault("status", status)
    kwargs.setdefault("status_changed_at", None if status == S.DRAFT else now)
    if status in SENT:
        kwargs.setdefault("submitted_at", now - datetime.timedelta(days=1))
    referral = world.referral(**kwargs)
    if status == S.ACCEPTED:
        # An hour ago: the visit (or the absence) may be recorded now.
        AppointmentFactory(referral=referral, starts_at=now - datetime.timedelta(hours=1))
    if status == S.CONSUMED:
        AppointmentFactory(
            referral=referral,
            status=AppointmentStatus.CAME,
            starts_at=now - datetime.timedelta(hours=1),
        )
    return referral


def bookable(moment: datetime.datetime, postal_code: str = "67000") -> datetime.datetime:
    """``moment``, or the same time on the next day that is not a public holiday there (the
    factories' sites are in Strasbourg, where Good Friday and 26 December are holidays)."""
    while holiday_name(timezone.localdate(moment), postal_code=postal_code):
        moment += datetime.timedelta(days=1)
    return moment


def actor_of(world, name):
    return None if name is None else getattr(world, name)


def perform(action, world, referral, actor="default", **extra):
    """Call the service of ``action`` with valid arguments; ``actor`` is a World attribute name."""
    name = DEFAULT_ACTOR[action] if actor == "default" else actor
    who = actor_of(world, name)
    soon = bookable(timezone.now() + datetime.timedelta(days=3))
    if action == t.SUBMIT:
        return t.referral_submit(actor=who, referral=referral)
    if action == t.MODERATION_APPROVE:
        return t.referral_moderation_approve(actor=who, referral=referral)
    if action == t.MODERATION_REJECT:
        return t.referral_moderation_reject(
            actor=who, referral=referral, reason=extra.get("reason", "Partenaire inconnu")
        )
    if action == t.ACCEPT:
        return t.referral_accept(
            actor=who,
            referral=referral,
            starts_at=extra.get("starts_at", soon),
            place=extra.get("place", "Salle 2"),
            mediator=extra.get("mediator"),
        )
    if action == t.REJECT:
        return t.referral_reject(
            actor=who,
            referral=referral,
            reasons=extra.get("reasons", ["session-complète"]),
            message=extra.get("message", "Plus de place avant la rentrée."),
        )
    if action == t.REBOOK:
        return t.referral_rebook(
            actor=who,
            referral=referral,
            starts_at=extra.get("starts_at", soon + datetime.timedelta(days=2)),
            place=extra.get("place", "Salle 3"),
            mediator=extra.get("mediator"),
        )
    if action == t.MARK_CAME:
        # A visit is recorded on the appointment's day: run on that day when it is ahead.
        planned = (
            Appointment.objects.filter(referral=referral, status=AppointmentStatus.PLANNED)
            .values_list("starts_at", flat=True)
            .first()
        )
        day_of_visit = planned if planned is not None and planned > timezone.now() else None
        with clock.frozen_at(day_of_visit):
            return t.referral_mark_came(
                actor=who, referral=referral, existing=extra.get("existing")
            )
    if action == t.MARK_NO_SHOW:
        return t.referral_mark_no_show(actor=who, referral=referral)
    if action == t.CANCEL:
        return t.referral_cancel(actor=who, referral=referral, reason=extra.get("reason", ""))
    if action == t.EXPIRE:
        return t.referral_expire(
            actor=who, referral=referral, now=extra.get("now", timezone.now() + LATER)
        )
    if action == t.TRANSFER:
        # By default to a new space of the network, whose team no test actor belongs to.
        to_site = extra.get("to_site") or SiteFactory(network=referral.site.network)
        return t.referral_transfer(
            actor=who,
            referral=referral,
            to_site=to_site,
            reason=extra.get("reason", "La personne habite près de l'autre espace."),
        )
    raise AssertionError(f"unknown action {action}")


def target_of(action, from_status, *, partner_validated=True):
    """The status ``action`` leads to from ``from_status`` (when the table allows it)."""
    return {
        t.SUBMIT: S.SUBMITTED if partner_validated else S.MODERATION_PENDING,
        t.MODERATION_APPROVE: S.SUBMITTED,
        t.MODERATION_REJECT: S.MODERATION_REJECTED,
        t.ACCEPT: S.ACCEPTED,
        t.REJECT: S.REJECTED,
        t.REBOOK: S.ACCEPTED,
        t.MARK_CAME: S.CONSUMED,
        t.MARK_NO_SHOW: S.ACCEPTED,
        t.CANCEL: S.CANCELLED,
        t.EXPIRE: S.EXPIRED,
        t.TRANSFER: S.SUBMITTED,
    }[action]


def state_of(referral):
    """Everything a refused action must leave untouched."""
    fresh = type(referral).objects.get(pk=referral.pk)
    return {
        "referral": model_to_dict(fresh),
        "updated_at": fresh.updated_at,
        "events": list(
            ReferralEvent.objects.filter(referral=referral).values_list("pk", flat=True)
        ),
        "appointments": list(
            Appointment.objects.filter(referral=referral).order_by("pk").values_list("pk", "status")
        ),
        "journal": JournalEntry.objects.count(),
        "notifications": Notification.objects.count(),
    }


def queued(referral):
    return sorted(
        Notification.objects.about("referrals.referral", [referral.pk]).values_list(
            "template", "recipient_kind", "event_key"
        )
    )
