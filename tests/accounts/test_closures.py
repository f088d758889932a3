"""Exceptional closures: the site manager adds and removes them; bad dates are refused in
French; the booking settings (duration, capacity) are the site manager's to change."""

import datetime

import pytest
from django.urls import reverse

from tests.accounts.factories import ClosureFactory
from tisser.accounts import services
from tisser.accounts.enums import ClosureReason, Role
from tisser.accounts.models import Closure
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry

TODAY = datetime.date(2027, 3, 22)


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen_at(datetime.datetime(2027, 3, 22, 10, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def manager(site, member_factory):
    return member_factory(site, Role.SITE_MANAGER)


def create(actor, site, start, end, reason=ClosureReason.HOLIDAY):
    return services.closure_create(
        actor=actor, site=site, starts_on=start, ends_on=end, reason=reason
    )


def test_a_manager_closes_the_site_and_it_is_journaled(manager, site):
    closure = create(manager, site, TODAY, TODAY + datetime.timedelta(days=4))
    entry = JournalEntry.objects.get(action="closure.created")
    assert (entry.site_id, entry.payload["reason"]) == (site.pk, "holiday")
    services.closure_delete(actor=manager, closure=closure)
    assert not Closure.objects.exists()
    assert JournalEntry.objects.filter(action="closure.deleted").count() == 1


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (5, 2, "après le premier"),
        (-5, -1, "déjà passée"),
        (400, 401, "un an à l'avance"),
        (1, 120, "trois mois"),
    ],
)
def test_bad_dates_are_refused(manager, site, start, end, message):
    with pytest.raises(DomainError, match=message):
        create(
            manager,
            site,
            TODAY + datetime.timedelta(days=start),
            TODAY + datetime.timedelta(days=end),
        )
    assert not Closure.objects.exists()


def test_other_roles_and_sites_are_refused(site, other_site, member_factory):
    for actor in (
        member_factory(site, Role.MEDIATOR),
        member_factory(other_site, Role.SITE_MANAGER),
    ):
        with pytest.raises(DomainError):
            create(actor, site, TODAY, TODAY)


def test_the_closures_page(login, manager, site, other_site):
    ClosureFactory(site=other_site, starts_on=TODAY, ends_on=TODAY)
    client = login(manager)
    response = client.post(
        reverse("accounts:closure_list"),
        {"starts_on": "2027-04-12", "ends_on": "2027-04-16", "reason": "training"},
    )
    assert response.url == reverse("accounts:closure_list")
    page = client.get(response.url).content.decode()
    assert "Du lundi 12 avril 2027 au vendredi 16 avril 2027" in page
    assert "Formation de l&#x27;équipe" in page
    assert Closure.objects.filter(site=other_site).count() == 1
    refused = client.post(
        reverse("accounts:closure_list"),
        {"starts_on": "2027-04-16", "ends_on": "2027-04-12", "reason": "training"},
    )
    assert refused.status_code == 200
    assert "Le dernier jour de fermeture doit être après le premier." in refused.content.decode()
    closure = Closure.objects.get(site=site)
    response = client.post(reverse("accounts:closure_delete", kwargs={"pk": closure.pk}))
    assert response.url == reverse("accounts:closure_list")
    assert not Closure.objects.filter(site=site).exists()


def test_the_manager_sets_the_duration_and_the_capacity(manager, site):
    changed = services.site_update(
        actor=manager, site=site, data={"appointment_minutes": 45, "appointment_capacity": 3}
    )
    assert changed == ["appointment_capacity", "appointment_minutes"]
    with pytest.raises(DomainError):
        services.site_update(actor=manager, site=site, data={"appointment_capacity": 0})
    site.refresh_from_db()
    assert (site.appointment_minutes, site.appointment_capacity) == (45, 3)


def test_the_site_page_offers_the_booking_settings(login, manager, site):
    client = login(manager)
    page = client.get(reverse("accounts:site_edit", kwargs={"pk": site.pk})).content.decode()
    assert "Durée d&#x27;un rendez-vous, en minutes" in page
    assert "Nombre de rendez-vous individuels en même temps" in page
