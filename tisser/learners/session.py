"""The learner's session: which card signed this browser in, since when, until when.

Four keys in Django's session (the same cookie as staff, who are never signed in on the
same browser at the same time: a learner's sign-in signs staff out, and a staff member's
browser is never a learner's):

- the card's id; the moment of the sign-in; the last time the learner was seen;
- whether the browser is the space's shared device.

How long (docs/decisions/0042-learner-sign-in.md):

- on a personal phone, the learner stays signed in for 30 days without use and 90 days
  at most, then types the code again (the session cookie lives as long);
- on the space's shared computer (marked so by the team, ``SHARED_DEVICE_COOKIE``), until
  the end of the day (midnight, Paris) or until the browser is closed, whichever is first.

A revoked or expired card, or a file merged into another, ends the session at the next
request that reads ``request.learner``.
"""

import datetime

from django.conf import settings
from django.contrib.auth import logout
from django.core import signing
from django.utils import timezone

from tisser.core import clock

CARD_KEY = "tisser_learner_card"
STARTED_KEY = "tisser_learner_started"
SEEN_KEY = "tisser_learner_seen"
SHARED_KEY = "tisser_learner_shared"
LEARNER_KEYS = (CARD_KEY, STARTED_KEY, SEEN_KEY, SHARED_KEY)

PERSONAL_IDLE_SECONDS = 30 * 24 * 60 * 60
PERSONAL_ABSOLUTE_SECONDS = 90 * 24 * 60 * 60
# "Last seen" is written at most once an hour: 30 days idle does not need finer steps, and
# a learner's page view does not write the session every time.
SEEN_WRITE_INTERVAL = 60 * 60

# The team marks the space's shared computers with this signed cookie (value: the site id).
SHARED_DEVICE_COOKIE = "tisser_appareil_partage"
SHARED_DEVICE_SALT = "tisser.learners.shared-device"
SHARED_DEVICE_MAX_AGE = 2 * 365 * 24 * 60 * 60


def _now_seconds() -> int:
    return int(clock.now().timestamp())


def end_of_day(moment_seconds: int) -> int:
    """Midnight after ``moment_seconds``, Paris time (the end of a shared-device session)."""
    local = timezone.localtime(datetime.datetime.fromtimestamp(moment_seconds, tz=datetime.UTC))
    midnight = datetime.datetime.combine(
        local.date() + datetime.timedelta(days=1), datetime.time(0, 0), tzinfo=local.tzinfo
    )
    return int(midnight.timestamp())


def shared_device_site_id(request) -> int | None:
    """The site that marked this browser as its shared device, or None."""
    try:
        value = request.get_signed_cookie(
            SHARED_DEVICE_COOKIE, salt=SHARED_DEVICE_SALT, max_age=SHARED_DEVICE_MAX_AGE
        )
    except (KeyError, signing.BadSignature):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def mark_shared_device(response, site_id: int) -> None:
    response.set_signed_cookie(
        SHARED_DEVICE_COOKIE,
        str(site_id),
        salt=SHARED_DEVICE_SALT,
        max_age=SHARED_DEVICE_MAX_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def unmark_shared_device(response) -> None:
    response.delete_cookie(SHARED_DEVICE_COOKIE, samesite="Lax")


def start(request, card, *, shared: bool) -> None:
    """Sign this browser in with ``card``: a new session key, staff signed out first."""
    if request.user.is_authenticated:
        logout(request)  # flushes the staff session: this browser is now the learner's
    else:
        request.session.cycle_key()
    now = _now_seconds()
    request.session[CARD_KEY] = card.pk
    request.session[STARTED_KEY] = now
    request.session[SEEN_KEY] = now
    request.session[SHARED_KEY] = shared
    # A shared device's session ends with the browser; a phone keeps it for 30 days of idleness.
    request.session.set_expiry(0 if shared else PERSONAL_IDLE_SECONDS)
    _forget_cached(request)


def end(request) -> None:
    """Sign the learner out of this browser (the whole session goes)."""
    request.session.flush()
    _forget_cached(request)


def _forget_cached(request) -> None:
    request.__dict__.pop("_tisser_learner", None)
    request.__dict__.pop("_tisser_learner_card", None)


def has_expired(session, now: int) -> bool:
    """Whether the session's own clock has run out (the card is checked separately)."""
    started = session.get(STARTED_KEY)
    seen = session.get(SEEN_KEY)
    if not isinstance(started, int) or not isinstance(seen, int):
        return True
    if session.get(SHARED_KEY):
        return now >= end_of_day(started)
    return now - seen > PERSONAL_IDLE_SECONDS or now - started > PERSONAL_ABSOLUTE_SECONDS


def touch(session, now: int) -> None:
    """Remember that the learner was seen (at most once an hour), pushing the idle limit."""
    seen = session.get(SEEN_KEY, 0)
    if now - seen >= SEEN_WRITE_INTERVAL:
        session[SEEN_KEY] = now
        if not session.get(SHARED_KEY):
            session.set_expiry(PERSONAL_IDLE_SECONDS)


def resolve_card(request):
    """The usable card of this browser's learner session, or None (ending a dead session)."""
    from tisser.learners.models import LearnerCard

    if request.user.is_authenticated:
        return None
    session = request.session
    pk = card_id_of(session)
    if pk is None:
        return None
    now = _now_seconds()
    card = None
    if not has_expired(session, now):
        card = (
            LearnerCard.objects.usable().select_related("beneficiary", "site").filter(pk=pk).first()
        )
    if card is None:
        end(request)
        return None
    touch(session, now)
    return card


def card_id_of(session) -> int | None:
    value = session.get(CARD_KEY)
    return value if isinstance(value, int) else None
