"""Caps on the messages that anonymous forms trigger, for any app.

Anyone can type someone else's phone number or e-mail address into a public form. So a
message triggered by an anonymous form (the help request's acknowledgement now, others
later) is sent only if ``claim_acknowledgement`` allows it:

1. SMS go only to French mobile numbers (06/07, +33 6/7);
2. one acknowledgement per number or address per day (an HMAC of it is kept, never the
   number; the unique constraint is the guard under concurrency);
3. at most ``ANONYMOUS_SMS_DAILY_CAP_PER_SITE`` SMS per site per day, counted by a
   conditional UPDATE on one row per (site, day) that the database runs atomically. When
   the cap is reached the request is still recorded, no SMS leaves, the journal says so
   once that day and staff see a notice (``caps_reached_today``).

The claim is made inside the caller's transaction, the one that records the request, so
both commit or roll back together; the message itself leaves after the commit (notify).
The text of such a message holds no word typed by the visitor (docs/decisions/0010).
"""

import datetime
import enum
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tisser.accounts.models import Membership
from tisser.core import clock, journal
from tisser.core.fixed_queries import FixedQuery
from tisser.core.phones import is_french_mobile
from tisser.notifications.models import AnonymousAcknowledgement, AnonymousSmsDay, Channel

CAP_REACHED_ACTION = "notification.anonymous_sms_cap_reached"
# Yesterday's rows are kept, so that a request just after midnight sees nothing odd.
KEEP_DAYS = 1


class Outcome(enum.Enum):
    ALLOWED = "allowed"
    NOT_FRENCH_MOBILE = "not_french_mobile"
    ALREADY_TODAY = "already_today"
    SITE_CAP_REACHED = "site_cap_reached"

    @property
    def allowed(self) -> bool:
        return self is Outcome.ALLOWED


class _CapReached(Exception):
    pass


def daily_cap() -> int:
    return max(int(settings.ANONYMOUS_SMS_DAILY_CAP_PER_SITE), 0)


def address_hash(*, channel: str, address: str, day: datetime.date) -> str:
    """HMAC of the channel and address, keyed by SECRET_KEY and the day (not linkable)."""
    value = f"{channel}:{address.strip().lower()}"
    return salted_hmac(f"tisser.notifications.caps:{day.isoformat()}", value).hexdigest()


def claim_acknowledgement(*, site, channel: str, address: str, now=None) -> Outcome:
    """May one acknowledgement go to ``address`` (an E.164 mobile or an e-mail address)?

    ALLOWED also counts it: call this once, right before ``notify``, inside the
    transaction that records the request. Any other outcome means: record the request,
    send nothing.
    """
    if channel not in (Channel.SMS, Channel.EMAIL):
        raise ValueError(f"An acknowledgement goes by SMS or e-mail, not {channel!r}")
    if not address:
        raise ValueError("An acknowledgement needs an address")
    if channel == Channel.SMS and not is_french_mobile(address):
        return Outcome.NOT_FRENCH_MOBILE
    moment = now or clock.now()
    day = timezone.localdate(moment)
    cap = daily_cap()
    with transaction.atomic():
        try:
            # A savepoint: a refusal below leaves no trace of this number.
            with transaction.atomic():
                AnonymousAcknowledgement.objects.create(
                    day=day, address_hash=address_hash(channel=channel, address=address, day=day)
                )
                if channel == Channel.SMS and not _count_sms(site=site, day=day, cap=cap):
                    raise _CapReached
        except IntegrityError:
            return Outcome.ALREADY_TODAY
        except _CapReached:
            _record_cap_reached(site=site, day=day, cap=cap, moment=moment)
            return Outcome.SITE_CAP_REACHED
    return Outcome.ALLOWED


def _ensure_day_row(*, site, day: datetime.date) -> None:
    # ON CONFLICT DO NOTHING: two first requests of the day create one row.
    AnonymousSmsDay.objects.bulk_create(
        [AnonymousSmsDay(site=site, day=day)], ignore_conflicts=True
    )


def _count_sms(*, site, day: datetime.date, cap: int) -> bool:
    """Take one SMS from the site's allowance of the day; False when none is left."""
    _ensure_day_row(site=site, day=day)
    # One UPDATE ... WHERE sent < cap: PostgreSQL re-checks the condition on the row it
    # waited for, so concurrent requests never push ``sent`` past the cap.
    taken = AnonymousSmsDay.objects.filter(site=site, day=day, sent__lt=cap).update(
        sent=F("sent") + 1
    )
    return taken == 1


def _record_cap_reached(*, site, day: datetime.date, cap: int, moment) -> None:
    _ensure_day_row(site=site, day=day)
    rows = AnonymousSmsDay.objects.filter(site=site, day=day)
    rows.update(refused=F("refused") + 1)
    first_today = rows.filter(cap_reached_at__isnull=True).update(cap_reached_at=moment)
    if first_today:
        journal.record(
            actor=None,
            action=CAP_REACHED_ACTION,
            site=site,
            payload={"cap": cap, "day": day.isoformat()},
        )


def forget_past_acknowledgements(*, now=None) -> int:
    """Delete the hashes of days before yesterday (they stop nothing then); run daily as
    the job ``notifications.forget_acknowledgements``.

    The per-site counters stay: they hold no personal data and show how often caps bite.
    """
    cutoff = timezone.localdate(now or clock.now()) - datetime.timedelta(days=KEEP_DAYS)
    deleted, _ = AnonymousAcknowledgement.objects.filter(day__lt=cutoff).delete()
    return deleted


@dataclass(frozen=True)
class CapReached:
    """A site whose SMS cap is reached today, and how many requests got no SMS."""

    site_id: int
    site_name: str
    refused: int


def _caps_query(role: str, organisation: int, day: datetime.date):
    acting = Membership(organisation_id=organisation, role=role, is_active=True)
    return (
        AnonymousSmsDay.objects.visible_to(acting)
        .filter(day=day, cap_reached_at__isnull=False)
        .order_by("site__name")
        .values("site_id", "refused", site_name=F("site__name"))
    )


# Drawn on the inbox and the referral pages of every site team: compiled once per process
# and role (docs/decisions/0048-fixed-queries.md).
_CAPS = FixedQuery("notifications.caps_reached_today", _caps_query, day=datetime.date)


def caps_reached_today(*, membership, now=None) -> list[CapReached]:
    """The sites in the membership's scope whose SMS cap is reached today (for staff pages)."""
    if membership is None or not membership.is_active:
        return []
    day = timezone.localdate(now or clock.now())
    rows = _CAPS.rows(shape=membership.role, organisation=membership.organisation_id, day=day)
    return [CapReached(**row) for row in rows]
