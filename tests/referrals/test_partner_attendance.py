"""Referrers see, for the people they sent, whether they came: « Venu le … », « Pas venu »,
« Rendez-vous le … » — on their own referrals only, nothing from the file."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.referrals.actions import S, perform, prepare
from tests.referrals.factories import AppointmentFactory
from tisser.core.dates import format_day
from tisser.referrals import transitions as t
from tisser.referrals.enums import AppointmentStatus

pytestmark = pytest.mark.django_db

LIST = reverse("referrals:partner_list")


def page_of(client, url=LIST) -> str:
    return client.get(url).content.decode()


def test_the_list_says_came_missed_or_when(world, login):
    came = prepare(world, S.ACCEPTED, first_name="Venue")
    perform(t.MARK_CAME, world, came)
    missed = prepare(world, S.ACCEPTED, first_name="Absente")
    perform(t.MARK_NO_SHOW, world, missed)
    waiting = prepare(world, S.ACCEPTED, first_name="Attendue")
    prepare(world, S.SUBMITTED, first_name="Nouvelle")
    came.refresh_from_db()
    page = page_of(login(world.referrer))
    day = timezone.localdate(came.appointments.get(status=AppointmentStatus.CAME).starts_at)
    assert f"Venu le {format_day(day)}" in page
    assert "Pas venu (rendez-vous du" in page
    assert "Rendez-vous le " in page
    assert waiting.appointments.get().place not in page  # the list says when, not where
    # Nothing from the file: no file number, no link to it.
    assert came.beneficiary.file_number not in page
    assert "/dossiers/" not in page


def test_the_detail_says_it_too_without_the_file(world, login):
    referral = prepare(world, S.ACCEPTED)
    perform(t.MARK_CAME, world, referral)
    referral.refresh_from_db()
    page = page_of(login(world.referrer), referral.get_absolute_url())
    assert "Venue de la personne :" in page and "Venu le " in page
    assert referral.beneficiary.file_number not in page
    assert referral.beneficiary.get_absolute_url() not in page


def test_another_partners_referrals_are_not_listed(world, login):
    theirs = prepare(
        world, S.ACCEPTED, partner=world.other_partner, referrer=world.other_referrer.user
    )
    perform(t.MARK_CAME, world, theirs)
    page = page_of(login(world.referrer))
    assert theirs.reference not in page and "Venu le" not in page
    assert login(world.referrer).get(theirs.get_absolute_url()).status_code == 404


def test_the_list_costs_the_same_at_1_and_40_rows(world, login, django_assert_max_num_queries):
    client = login(world.referrer)
    perform(t.MARK_CAME, world, prepare(world, S.ACCEPTED))
    page_of(client)
    with django_assert_max_num_queries(30) as one:
        page_of(client)
    for index in range(40):
        referral = prepare(world, S.ACCEPTED)
        if index % 2:  # the planned one was missed, and an older one too
            referral.appointments.update(status=AppointmentStatus.NO_SHOW)
            AppointmentFactory(
                referral=referral,
                status=AppointmentStatus.NO_SHOW,
                starts_at=timezone.now() - datetime.timedelta(days=index + 1),
            )
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert "Pas venu" in page_of(client)
