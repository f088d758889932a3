"""An atomic check-and-count rate limiter on Django's cache, for any app.

``hit(scope, identity, limit=5, window_seconds=3600)`` counts one attempt and answers
whether it is allowed. Windows are fixed: each one starts at a multiple of
``window_seconds`` since the epoch, and the counter's key carries that start, so a test
moves a fake clock (``now=``, or ``tisser.core.clock.frozen_at``) through a whole window
instead of deleting keys. A burst may straddle two windows (at most twice the limit in
``window_seconds``); that is the price of one atomic counter per window.

Atomicity comes from the cache itself: ``cache.add`` creates the counter only if it is
absent and ``cache.incr`` increments it in one step (a lock in LocMemCache, ``INCR`` in
Redis). The attempt is counted before it is judged, so two concurrent requests can never
both see the last free slot. Do not use a backend whose ``incr`` is a read then a write
(the database and file caches): the count would no longer be atomic.

The identity (an IP address, a phone number) is never stored: keys hold an HMAC of it
keyed by SECRET_KEY, which cannot be reversed by trying every IPv4 address.
"""

import datetime

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from tisser.core import clock

KEY_PREFIX = "ratelimit"
# A counter that expired between add() and incr() is created again: twice is plenty.
_ATTEMPTS = 3


def window_start(moment: datetime.datetime, window_seconds: int) -> int:
    """The start of the fixed window holding ``moment``, in seconds since the epoch."""
    epoch = int(moment.timestamp())
    return epoch - epoch % window_seconds


def key_for(scope: str, identity: str, *, window_seconds: int, now: datetime.datetime) -> str:
    digest = salted_hmac(f"tisser.core.ratelimit:{scope}", identity or "-").hexdigest()[:32]
    return f"{KEY_PREFIX}:{scope}:{window_seconds}:{window_start(now, window_seconds)}:{digest}"


def hit(
    scope: str,
    identity: str,
    *,
    limit: int,
    window_seconds: int,
    now: datetime.datetime | None = None,
) -> bool:
    """Count one attempt by ``identity`` in ``scope``; True if it is within ``limit``.

    A refused attempt is counted too (an attacker who keeps trying stays refused until
    the window ends), and nothing else about it is stored.
    """
    if limit < 1 or window_seconds < 1:
        raise ValueError("limit and window_seconds must be positive")
    moment = now if now is not None else clock.now()
    key = key_for(scope, identity, window_seconds=window_seconds, now=moment)
    # The key names its window, so it only has to outlive the window (real time).
    for _ in range(_ATTEMPTS):
        cache.add(key, 0, timeout=window_seconds)
        try:
            return cache.incr(key) <= limit
        except ValueError:  # expired or evicted between add() and incr(): start again
            continue
    return False
