"""Brute-force limits on the learner sign-in, under the rules for anonymous forms (0010).

Four counters, each atomic (``tisser.core.ratelimit``), each counting the attempt before it
is judged:

- per address (``GUARD``, the anonymous-form guard): a space's computers share one
  address, so it is generous — 60 codes an hour per address (IPv6 /64), 300 per provider
  network (/48), 3,000 an hour for the whole network;
- per device: 10 codes a quarter of an hour per browser, recognised by a random cookie
  (``DEVICE_COOKIE``); a client that refuses cookies counts as one device per address;
- per code: a code (or half a code: either group of four) typed from many devices locks
  after 5 tries an hour for the whole code, 20 for a group — someone who saw half of a
  card cannot try the rest from many phones;
- the QR link: 30 tries a quarter of an hour per device (a 256-bit token is not guessed;
  this only stops a script).

A refused attempt is told so in plain French (status 429) and nothing is checked; a locked
code says the same whatever the code is, so the lock tells nothing about the card.
"""

import re
import secrets

from django.conf import settings

from tisser.core import ratelimit
from tisser.core.anonymous import AnonymousFormGuard, client_identity
from tisser.learners import codes

GUARD = AnonymousFormGuard(
    scope="learner-sign-in",
    limit=60,
    window_seconds=60 * 60,
    network_limit=300,
    overall_limit=3000,
)
DEVICE_LIMIT = 10
DEVICE_WINDOW = 15 * 60
CODE_LIMIT = 5
GROUP_LIMIT = 20
CODE_WINDOW = 60 * 60
LINK_LIMIT = 30
LINK_WINDOW = 15 * 60

DEVICE_COOKIE = "tisser_appareil"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
_DEVICE_VALUE = re.compile(r"[A-Za-z0-9_-]{22}")


def device_identity(request) -> str:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if _DEVICE_VALUE.fullmatch(value):
        return f"cookie:{value}"
    return f"address:{client_identity(request)}"


def give_device_cookie(request, response) -> None:
    """A random device id for this browser (no personal data), if it has none yet."""
    if _DEVICE_VALUE.fullmatch(request.COOKIES.get(DEVICE_COOKIE, "")):
        return
    response.set_cookie(
        DEVICE_COOKIE,
        secrets.token_urlsafe(16),
        max_age=DEVICE_COOKIE_MAX_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def allow_code(request, code: str, *, now=None) -> bool:
    """Count one typed code against its device, the code itself and each of its groups."""
    counters = [
        ("learner-sign-in:device", device_identity(request), DEVICE_LIMIT, DEVICE_WINDOW),
        ("learner-sign-in:code", code, CODE_LIMIT, CODE_WINDOW),
    ]
    for index, group in enumerate(codes.groups(code)):
        counters.append(("learner-sign-in:group", f"{index}:{group}", GROUP_LIMIT, CODE_WINDOW))
    allowed = True
    for scope, identity, limit, window in counters:
        allowed = (
            ratelimit.hit(scope, identity, limit=limit, window_seconds=window, now=now) and allowed
        )
    return allowed


def allow_link(request, *, now=None) -> bool:
    return ratelimit.hit(
        "learner-card-link",
        device_identity(request),
        limit=LINK_LIMIT,
        window_seconds=LINK_WINDOW,
        now=now,
    )
