"""Pages: the person's right and quotas, decisions, renewal, the site's list, the network's
rules and settings. Roles (wrong role 403, other site 404), happy paths, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.sales.factories import AccessRightFactory, AccessRightRenewalFactory
from tests.sales.helpers import buy
from tisser.core import clock
from tisser.funding.enums import OfferFamily
from tisser.sales.enums import RenewalDecision, RightOpening
from tisser.sales.models import AccessRight, AccessRightSettings, QuotaRule

pytestmark = pytest.mark.django_db


def _person_url(person):
    return f"/espace-pro/droits/personne/{person.pk}/"


def test_the_person_page_shows_the_right_and_what_remains(team, login, offers, rules):
    right = AccessRightFactory(beneficiary__site=team.site)
    buy(team.mediator, right.beneficiary, offers.recharge10)
    page = login(team.volunteer).get(_person_url(right.beneficiary)).content.decode()
    assert "Droit d'accès solidaire : actif jusqu'au" in page
    assert "Ce qu'il reste" in page
    assert "20 € sur 30 €" in page
    assert "Suspendre" not in page and "Demander le renouvellement" not in page


def test_the_file_offers_the_way_to_the_right(team, login):
    person = BeneficiaryFactory(site=team.site)
    page = login(team.mediator).get(f"/espace-pro/dossiers/{person.pk}/").content.decode()
    assert _person_url(person) in page


@pytest.mark.parametrize(("who", "status"), [("referrer", 403), ("funder_viewer", 403)])
def test_partners_and_funders_see_nothing(team, login, who, status):
    right = AccessRightFactory(beneficiary__site=team.site)
    client = login(getattr(team, who))
    assert client.get(_person_url(right.beneficiary)).status_code == status
    assert client.get("/espace-pro/droits/").status_code == 403


def test_another_site_gets_404_everywhere(team, login):
    right = AccessRightFactory(beneficiary__site=team.site)
    renewal = AccessRightRenewalFactory(access_right=right)
    client = login(team.other_manager)
    for url in (
        _person_url(right.beneficiary),
        f"/espace-pro/droits/personne/{right.beneficiary.pk}/ouvrir/",
        f"/espace-pro/droits/{right.pk}/",
        f"/espace-pro/droits/{right.pk}/suspendre/",
        f"/espace-pro/droits/{right.pk}/clore/",
        f"/espace-pro/droits/{right.pk}/renouvellement/",
        f"/espace-pro/droits/renouvellements/{renewal.pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_a_manager_opens_a_right_by_decision(team, login):
    person = BeneficiaryFactory(site=team.site)
    client = login(team.manager)
    url = f"/espace-pro/droits/personne/{person.pk}/ouvrir/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"starts_on": clock.localdate().isoformat(), "reason": "Sortie d'hospitalisation"},
    )
    assert response.status_code == 302
    right = AccessRight.objects.get(beneficiary=person)
    assert right.opened_by == RightOpening.DECISION


def test_opening_without_a_reason_shows_the_error(team, login):
    person = BeneficiaryFactory(site=team.site)
    response = login(team.manager).post(
        f"/espace-pro/droits/personne/{person.pk}/ouvrir/",
        {"starts_on": clock.localdate().isoformat(), "reason": ""},
    )
    assert response.status_code == 400
    assert "Écrivez le motif" in response.content.decode()


def test_a_mediator_may_not_open_suspend_or_decide(team, login):
    right = AccessRightFactory(beneficiary__site=team.site)
    renewal = AccessRightRenewalFactory(access_right=right)
    client = login(team.mediator)
    assert (
        client.get(f"/espace-pro/droits/personne/{right.beneficiary.pk}/ouvrir/").status_code == 403
    )
    assert client.get(f"/espace-pro/droits/{right.pk}/suspendre/").status_code == 403
    assert client.get(f"/espace-pro/droits/renouvellements/{renewal.pk}/").status_code == 403


def test_renewal_from_request_to_decision(team, login):
    right = AccessRightFactory(beneficiary__site=team.site)
    end = right.ends_on
    response = login(team.mediator).post(
        f"/espace-pro/droits/{right.pk}/renouvellement/", {"note": "Formation en cours"}
    )
    assert response.status_code == 302
    renewal = right.renewals.get()
    client = login(team.manager)
    page = client.get(_person_url(right.beneficiary)).content.decode()
    assert "Décider du renouvellement" in page
    response = client.post(
        f"/espace-pro/droits/renouvellements/{renewal.pk}/", {"decision": "accept", "note": ""}
    )
    assert response.status_code == 302
    renewal.refresh_from_db()
    right.refresh_from_db()
    assert renewal.decision == RenewalDecision.ACCEPTED and right.ends_on > end


def test_suspend_then_resume_then_close_through_the_pages(team, login):
    right = AccessRightFactory(beneficiary__site=team.site)
    client = login(team.manager)
    assert (
        client.post(f"/espace-pro/droits/{right.pk}/suspendre/", {"reason": "Revente"}).status_code
        == 302
    )
    page = client.get(_person_url(right.beneficiary)).content.decode()
    assert "suspendu depuis le" in page
    assert client.post(f"/espace-pro/droits/{right.pk}/reprendre/").status_code == 302
    response = client.post(f"/espace-pro/droits/{right.pk}/clore/", {"reason": "moved", "note": ""})
    assert response.status_code == 302
    right.refresh_from_db()
    assert right.closed_on is not None


def test_the_site_list_filters_rights_ending_within_30_days(team, login):
    today = clock.localdate()
    soon = AccessRightFactory(
        beneficiary__site=team.site,
        starts_on=today - datetime.timedelta(days=200),
        ends_on=today + datetime.timedelta(days=10),
    )
    later = AccessRightFactory(beneficiary__site=team.site)
    AccessRightFactory(beneficiary__site=team.other_site)
    client = login(team.mediator)
    page = client.get("/espace-pro/droits/").content.decode()
    assert soon.beneficiary.file_number in page and later.beneficiary.file_number in page
    assert "2 droits" in page
    page = client.get("/espace-pro/droits/?expiring=on").content.decode()
    assert soon.beneficiary.file_number in page and later.beneficiary.file_number not in page
    page = client.get("/espace-pro/droits/?status=expired").content.decode()
    assert "Aucun droit ne correspond." in page


def test_the_list_runs_a_constant_number_of_queries(team, login):
    client = login(team.manager)
    AccessRightFactory(beneficiary__site=team.site)
    AccessRightRenewalFactory(access_right__beneficiary__site=team.site)
    client.get("/espace-pro/droits/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/espace-pro/droits/").status_code == 200
    for _ in range(30):
        AccessRightRenewalFactory(access_right__beneficiary__site=team.site)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/espace-pro/droits/")
    assert response.context["page"].paginator.count == 32
    assert len(many) == len(one)


def test_the_person_page_runs_a_constant_number_of_queries(team, login, offers, rules):
    right = AccessRightFactory(beneficiary__site=team.site)
    client = login(team.manager)
    buy(team.mediator, right.beneficiary, offers.recharge5)
    client.get(_person_url(right.beneficiary))
    with CaptureQueriesContext(connection) as one:
        client.get(_person_url(right.beneficiary))
    for _ in range(4):
        buy(team.mediator, right.beneficiary, offers.recharge5)
    AccessRightRenewalFactory(
        access_right=right, decision=RenewalDecision.REFUSED, decided_at=right.created_at
    )
    with CaptureQueriesContext(connection) as many:
        client.get(_person_url(right.beneficiary))
    assert len(many) == len(one)


# --- network admin -----------------------------------------------------------------------


def test_the_network_admin_writes_a_quota_rule(team, login, offers):
    client = login(team.admin)
    assert client.get("/espace-pro/droits/quotas/").status_code == 200
    response = client.post(
        "/espace-pro/droits/quotas/nouvelle/",
        {
            "name": "Recharges : 30 € par mois",
            "scope": "families",
            "families": [OfferFamily.RECHARGE.value],
            "per": "person",
            "window": "calendar_month",
            "measure": "amount",
            "max_amount": "30",
            "return_gives_back": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    rule = QuotaRule.objects.get()
    assert rule.network == team.admin.organisation and rule.max_amount == Decimal("30.00")
    response = client.post(
        f"/espace-pro/droits/quotas/{rule.pk}/",
        {
            "name": rule.name,
            "scope": "offer",
            "offer": offers.recharge5.pk,
            "per": "household",
            "window": "rolling_days",
            "window_length": "",
            "measure": "quantity",
            "max_quantity": "2",
        },
    )
    assert response.status_code == 400
    assert "nombre de jours" in response.content.decode()


def test_the_network_admin_sets_the_duration(team, login):
    client = login(team.admin)
    response = client.post(
        "/espace-pro/droits/reglages/",
        {
            "duration_months": "12",
            "renewal_months": "6",
            "max_renewals": "2",
            "reminder_days": "20",
        },
    )
    assert response.status_code == 302
    settings = AccessRightSettings.objects.get(network=team.admin.organisation)
    assert (settings.duration_months, settings.max_renewals) == (12, 2)


@pytest.mark.parametrize("who", ["manager", "mediator", "volunteer"])
def test_only_the_network_admin_manages_rules(team, login, who):
    client = login(getattr(team, who))
    assert client.get("/espace-pro/droits/quotas/").status_code == 403
    assert client.get("/espace-pro/droits/reglages/").status_code == 403


def test_a_rule_of_another_network_is_a_404(team, login):
    rule = QuotaRule.objects.create(
        network=team.foreign_site.network,
        name="Ailleurs",
        scope="family",
        families=["SIM"],
        per="person",
        window="lifetime",
        measure="quantity",
        max_quantity=1,
    )
    assert login(team.admin).get(f"/espace-pro/droits/quotas/{rule.pk}/").status_code == 404
