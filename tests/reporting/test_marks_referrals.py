"""Referral transitions and appointments mark the day the referral was received and the day
of the event, inside their transaction."""

import datetime

import pytest
from django.utils import timezone

from tests.referrals.actions import S, perform, prepare
from tests.reporting.marks_helpers import clear_marks, explode, marks, rolled_back
from tisser.core import clock
from tisser.core.stale_figures import REFERRALS
from tisser.referrals import transitions as t
from tisser.referrals.models import Referral

pytestmark = pytest.mark.django_db


def received_day(referral) -> datetime.date:
    return timezone.localdate(Referral.objects.get(pk=referral.pk).submitted_at)


def test_a_submitted_referral_marks_the_day_it_was_received(world):
    referral = prepare(world, S.DRAFT)
    clear_marks()
    perform(t.SUBMIT, world, referral)
    assert marks() == {(world.site.pk, received_day(referral), REFERRALS)}


def test_accepting_marks_the_day_received_today_and_the_appointment_day(world):
    referral = prepare(world, S.SUBMITTED)
    clear_marks()
    appointment = perform(t.ACCEPT, world, referral)
    assert marks() == {
        (world.site.pk, received_day(referral), REFERRALS),
        (world.site.pk, clock.localdate(), REFERRALS),
        (world.site.pk, timezone.localdate(appointment.starts_at), REFERRALS),
    }


def test_the_person_who_came_marks_the_day_received_and_the_day_they_came(world):
    referral = prepare(world, S.ACCEPTED)
    clear_marks()
    perform(t.MARK_CAME, world, referral)
    assert (world.site.pk, received_day(referral), REFERRALS) in marks()
    assert (world.site.pk, clock.localdate(), REFERRALS) in marks()


def test_a_transfer_marks_the_site_it_leaves_and_the_site_it_reaches(world):
    referral = prepare(world, S.SUBMITTED)
    first_day = received_day(referral)
    clear_marks()
    perform(t.TRANSFER, world, referral, to_site=world.other_site)
    assert (world.site.pk, first_day, REFERRALS) in marks()
    assert (world.other_site.pk, received_day(referral), REFERRALS) in marks()


def test_a_failed_acceptance_leaves_no_mark(world, monkeypatch):
    referral = prepare(world, S.SUBMITTED)
    monkeypatch.setattr(t, "_notify_person", explode)
    rolled_back(lambda: perform(t.ACCEPT, world, referral))
