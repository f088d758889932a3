"""The site's agenda shows its cohort sessions and workshops (``collective_sessions_between``):
title, time, room or place, seats; other sites' and cancelled ones stay out."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.training.factories import (
    CohortFactory,
    CohortSessionFactory,
    EnrolmentFactory,
    WorkshopFactory,
    WorkshopRegistrationFactory,
)
from tisser.accounts.enums import Role
from tisser.core import clock
from tisser.training.enums import EnrolmentStatus, RegistrationStatus
from tisser.training.selectors import collective_sessions_between

PARIS = ZoneInfo("Europe/Paris")
# Monday 22 March 2027, 8:00 in Paris.
MONDAY = datetime.datetime(2027, 3, 22, 8, 0, tzinfo=PARIS)


def at(days, hour):
    return (MONDAY + datetime.timedelta(days=days)).replace(hour=hour)


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen_at(MONDAY):
        yield


@pytest.fixture
def manager(site, member_factory):
    return member_factory(site, Role.SITE_MANAGER)


def session(site, days, hour, title="Premiers pas", **cohort):
    group = CohortFactory(site=site, **cohort)
    return CohortSessionFactory(
        cohort=group,
        plan__title=title,
        starts_at=at(days, hour),
        ends_at=at(days, hour + 3),
        room="Salle bleue",
    )


def test_sessions_and_workshops_of_the_site_in_time_order(manager, site, other_site):
    late = session(site, 0, 14, title="Les e-mails", name="Groupe A", capacity=10)
    for _ in range(3):
        EnrolmentFactory(cohort=late.cohort)
    EnrolmentFactory(
        cohort=late.cohort,
        status=EnrolmentStatus.WAITING,
        enrolled_at=None,
        waiting_since=timezone.now(),
    )
    workshop = WorkshopFactory(
        site=site, title="Sa boîte e-mail", starts_at=at(0, 9), ends_at=at(0, 11), capacity=8
    )
    WorkshopRegistrationFactory(workshop=workshop)
    WorkshopRegistrationFactory(workshop=workshop, status=RegistrationStatus.CANCELLED)
    # Out: another site, a cancelled cohort or workshop, another week.
    session(site=other_site, days=0, hour=9)
    session(site, 0, 9, cancelled_at=timezone.now())
    WorkshopFactory(site=site, starts_at=at(0, 15), ends_at=at(0, 16), cancelled_at=timezone.now())
    session(site, 8, 9)

    rows = collective_sessions_between(membership=manager, start=at(0, 0), end=at(7, 0))
    assert [(r.kind, r.title) for r in rows] == [
        ("workshop", "Sa boîte e-mail"),
        ("cohort", "Les e-mails"),
    ]
    assert (rows[0].taken, rows[0].capacity, rows[0].place) == (1, 8, "Salle informatique")
    assert (rows[1].taken, rows[1].capacity, rows[1].place, rows[1].subtitle) == (
        3,
        10,
        "Salle bleue",
        "Groupe A",
    )
    assert rows[1].seats_left == 7


def test_no_membership_and_other_roles_read_nothing(site, member_factory, partner):
    session(site, 0, 9)
    assert collective_sessions_between(membership=None, start=at(0, 0), end=at(7, 0)) == []
    referrer = member_factory(partner, Role.PARTNER_REFERRER)
    assert collective_sessions_between(membership=referrer, start=at(0, 0), end=at(7, 0)) == []


def test_the_agenda_day_and_week_show_them(login, manager, site):
    session(site, 0, 14, title="Les e-mails", name="Groupe A")
    WorkshopFactory(site=site, title="Sa boîte e-mail", starts_at=at(2, 9), ends_at=at(2, 11))
    client = login(manager)
    day = client.get(reverse("workspace:agenda"), {"jour": "2027-03-22"}).content.decode()
    assert "Les e-mails" in day and "Groupe A" in day and "Salle bleue" in day
    assert "14 h – 17 h" in day
    assert "Sa boîte e-mail" not in day
    week = client.get(
        reverse("workspace:agenda"), {"jour": "2027-03-22", "vue": "week"}
    ).content.decode()
    assert "Les e-mails" in week and "Sa boîte e-mail" in week
    assert "sur 8 places" in week


def test_the_agenda_costs_the_same_with_more_sessions(login, manager, site):
    client = login(manager)
    url = reverse("workspace:agenda")
    query = {"jour": "2027-03-22", "vue": "week"}
    session(site, 0, 9)
    client.get(url, query)
    with CaptureQueriesContext(connection) as few:
        client.get(url, query)
    for day in range(1, 6):
        session(site, day, 9)
        WorkshopFactory(site=site, starts_at=at(day, 14), ends_at=at(day, 16))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, query)
    assert response.status_code == 200
    assert len(many) == len(few)
