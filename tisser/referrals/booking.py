"""The rules every appointment obeys when it is booked or moved, whatever it comes from.

- within the booking horizon, in the future;
- the site is open for the whole appointment (accounts.opening: hours, closures, holidays);
- at most ``site.appointment_capacity`` individual appointments overlap at the site (a
  programme session's appointment, kind ``session``, is not counted: the session has its
  own seats, docs/decisions/0054-training.md).

``check_slot`` must run inside the booking's transaction: it locks the site's row first, so
two bookings of the same site count the overlaps one after the other (on PostgreSQL the
second waits for the first to commit and then sees its appointment).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from tisser.accounts.models import Site
from tisser.accounts.opening import closed_message
from tisser.core.dates import format_when
from tisser.core.errors import DomainError
from tisser.referrals.enums import AppointmentKind, AppointmentStatus
from tisser.referrals.models import Appointment

# Appointments that hold a place in the site's agenda.
BUSY_STATUSES = (AppointmentStatus.PLANNED, AppointmentStatus.CAME)


def lock_site(site_id: int) -> Site:
    """The site's row, locked until the end of the transaction (the overlap counter's lock)."""
    return (
        Site.objects.select_for_update(of=("self",))
        .prefetch_related("opening_hours")
        .get(pk=site_id)
    )


def ends_at_for(site: Site, starts_at: datetime, minutes: int | None = None) -> datetime:
    return starts_at + timedelta(minutes=minutes or site.appointment_minutes)


def overlapping(site: Site, starts_at: datetime, ends_at: datetime, *, exclude_pk=None):
    rows = Appointment.objects.filter(
        site=site,
        kind=AppointmentKind.INDIVIDUAL,
        status__in=BUSY_STATUSES,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if exclude_pk is not None:
        rows = rows.filter(~Q(pk=exclude_pk))
    return rows


def check_slot(
    site: Site, starts_at: datetime, ends_at: datetime, *, exclude_pk: int | None = None
) -> None:
    """Refuse (DomainError, French) a slot when the site is closed or already full.

    ``site`` must be the row locked by ``lock_site`` in the current transaction.
    """
    message = closed_message(site, starts_at, ends_at)
    if message:
        raise DomainError(message)
    taken = overlapping(site, starts_at, ends_at, exclude_pk=exclude_pk).count()
    if taken >= site.appointment_capacity:
        raise DomainError(
            _(
                "Ce créneau est complet : l'espace reçoit au plus %(capacity)s rendez-vous "
                "individuel(s) en même temps, et %(taken)s sont déjà prévus le %(when)s. "
                "Choisissez une autre heure."
            )
            % {
                "capacity": site.appointment_capacity,
                "taken": taken,
                "when": format_when(starts_at),
            }
        )
