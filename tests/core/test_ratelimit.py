import datetime
import os
import threading
import time
import uuid

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

from tests.core.fake_clock import START
from tisser.core import ratelimit

HOUR = 60 * 60


def hit(identity="198.51.100.7", *, at, scope="test-form", limit=5):
    return ratelimit.hit(scope, identity, limit=limit, window_seconds=HOUR, now=at)


def at(**delta):
    return START + datetime.timedelta(**delta)


def test_a_whole_hour_window_on_a_fake_clock():
    assert [hit(at=at(minutes=n)) for n in range(5)] == [True] * 5
    assert hit(at=at(minutes=5)) is False  # the 6th
    assert hit(at=at(minutes=59, seconds=59)) is False  # still the same window
    assert hit(at=at(hours=1)) is True  # the next window starts afresh
    assert [hit(at=at(hours=1, minutes=n)) for n in range(1, 5)] == [True] * 4
    assert hit(at=at(hours=1, minutes=30)) is False


def test_refused_attempts_keep_the_attacker_out_until_the_window_ends():
    for n in range(50):
        hit(at=at(minutes=n))
    assert hit(at=at(minutes=59, seconds=59)) is False
    assert hit(at=at(hours=1)) is True


def test_identities_and_scopes_are_counted_apart():
    for _ in range(5):
        hit(at=START)
    assert hit(at=START) is False
    assert hit("198.51.100.8", at=START) is True
    assert hit(at=START, scope="other-form") is True


def test_the_identity_is_never_stored_in_clear():
    hit("203.0.113.9", at=START)
    keys = list(cache._cache)  # LocMemCache's own store
    assert keys
    assert not any("203.0.113.9" in key for key in keys)
    assert not any("203.0.113.9" in str(value) for value in cache._cache.values())


def test_a_counter_lost_between_add_and_incr_is_started_again(monkeypatch):
    real_incr = cache.incr
    calls = []

    def incr_losing_the_first(key, *args, **kwargs):
        calls.append(key)
        if len(calls) == 1:
            cache.delete(key)  # evicted by the cache at the worst moment
        return real_incr(key, *args, **kwargs)

    monkeypatch.setattr(cache, "incr", incr_losing_the_first)
    assert hit(at=START) is True
    assert len(calls) == 2


@pytest.mark.parametrize(("limit", "window"), [(0, HOUR), (5, 0)])
def test_nonsense_limits_are_refused(limit, window):
    with pytest.raises(ValueError):
        ratelimit.hit("x", "y", limit=limit, window_seconds=window, now=START)


def hit_together(threads_count: int) -> list[bool]:
    barrier = threading.Barrier(threads_count)
    results = []
    lock = threading.Lock()

    def attempt():
        barrier.wait(timeout=5)
        allowed = hit(at=START)
        with lock:
            results.append(allowed)

    threads = [threading.Thread(target=attempt) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return results


def test_concurrent_hits_never_let_more_than_the_limit_through(monkeypatch):
    """Check-and-count is one atomic step: 40 threads at once, exactly 5 allowed."""
    # Widen the gaps between cache calls, where a read-then-write counter would lose counts
    # (on the class: each thread has its own cache object, sharing LocMemCache's store).
    for name in ("get", "add", "set"):
        real = getattr(LocMemCache, name)

        def slow(self, *args, _real=real, **kwargs):
            time.sleep(0.002)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(LocMemCache, name, slow)

    results = hit_together(40)

    assert len(results) == 40
    assert results.count(True) == 5


# --- Redis, the production cache (REDIS_URL) ------------------------------------------------

# A database of its own and a prefix per run: other runs sharing the server are untouched.
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache(settings):
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis does not answer at {REDIS_TEST_URL} (the CI starts it)")
    prefix = f"tisser-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield client
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_on_redis_the_window_and_the_count_are_the_same(redis_cache):
    assert [hit(at=at(minutes=n)) for n in range(5)] == [True] * 5
    assert hit(at=at(minutes=59, seconds=59)) is False
    assert hit(at=at(hours=1)) is True
    keys = [key.decode() for key in redis_cache.scan_iter("tisser-test-*")]
    assert keys
    assert not any("198.51.100.7" in key for key in keys)


def test_on_redis_concurrent_hits_never_let_more_than_the_limit_through(redis_cache):
    results = hit_together(40)

    assert len(results) == 40
    assert results.count(True) == 5
