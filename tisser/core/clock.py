"""The one clock every Tisser service reads: ``clock.now()`` instead of ``timezone.now()``.

Demo builders, benchmarks and tests write history "as it happened" by running code at a
chosen moment with ``clock.frozen_at(moment)``: a context variable, so nothing global is
patched and a concurrent request in another thread still reads the real time. Outside such
a block, ``now()`` is Django's ``timezone.now()``. Model timestamps use
``ClockDateTimeField`` so that ``created_at``/``updated_at`` follow the same clock.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.utils import timezone

_frozen_at: ContextVar[datetime.datetime | None] = ContextVar("tisser_clock", default=None)


def now() -> datetime.datetime:
    """The current moment (aware, UTC), or the moment a ``frozen_at`` block set."""
    moment = _frozen_at.get()
    return moment if moment is not None else timezone.now()


def localdate() -> datetime.date:
    """Today in the site's time zone (Europe/Paris), by the same clock."""
    return timezone.localdate(now())


@contextmanager
def frozen_at(moment: datetime.datetime | None) -> Iterator[None]:
    """Run the block at ``moment`` (``None``: the real time again)."""
    if moment is not None and timezone.is_naive(moment):
        raise ValueError("The clock needs an aware datetime.")
    token = _frozen_at.set(moment)
    try:
        yield
    finally:
        _frozen_at.reset(token)


class ClockDateTimeField(models.DateTimeField):
    """A DateTimeField whose ``auto_now``/``auto_now_add`` read ``clock.now()``.

    It deconstructs as a plain DateTimeField: the database column and the migrations are
    exactly those of Django's field.
    """

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = now()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs


class ManualClock:
    """A clock moved by hand: demo builders write each step "when it happened".

    Use it through ``manual_clock()``; every service called after ``move_to(moment)`` reads
    that moment from ``now()``, until the next move or the end of the block.
    """

    def move_to(self, moment: datetime.datetime | None) -> None:
        if moment is not None and timezone.is_naive(moment):
            raise ValueError("The clock needs an aware datetime.")
        _frozen_at.set(moment)

    def release(self) -> None:
        """Back to the real time (still inside the block)."""
        _frozen_at.set(None)


@contextmanager
def manual_clock() -> Iterator[ManualClock]:
    token = _frozen_at.set(_frozen_at.get())
    try:
        yield ManualClock()
    finally:
        _frozen_at.reset(token)
