"""A partner referrer's home: their organisation's referrals counted by status, each count
a link to the filtered list, and a prominent « Orienter une personne » button."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import MembershipFactory, PartnerFactory
from tests.referrals.factories import ReferralFactory
from tisser.accounts.enums import Role
from tisser.referrals.enums import ReferralStatus

HOME = reverse("workspace:home")
LIST = reverse("referrals:partner_list")


@pytest.fixture
def referrer(partner):
    return MembershipFactory(organisation=partner, role=Role.PARTNER_REFERRER)


def _refer(partner, site, status, count):
    for _index in range(count):
        ReferralFactory(partner=partner, site=site, status=status)


def test_counts_by_status_link_to_the_filtered_list(login, referrer, partner, site, network):
    _refer(partner, site, ReferralStatus.SUBMITTED, 3)
    _refer(partner, site, ReferralStatus.ACCEPTED, 1)
    # Another partner's referrals are not counted.
    _refer(PartnerFactory(network=network), site, ReferralStatus.SUBMITTED, 5)
    response = login(referrer).get(HOME)
    counts = {code: count for code, _label, count in response.context["status_counts"]}
    assert counts[ReferralStatus.SUBMITTED] == 3
    assert counts[ReferralStatus.ACCEPTED] == 1
    assert counts[ReferralStatus.DRAFT] == 0
    html = response.content.decode()
    assert (
        f'<a href="{LIST}?status=submitted"><span class="status-count">3</span> Envoyé</a>' in html
    )
    # A zero is said, not linked to an empty list.
    assert '<span class="status-count">0</span> Brouillon' in html
    assert f'href="{LIST}?status=draft"' not in html


def test_the_filtered_list_shows_the_counted_referrals(login, referrer, partner, site):
    _refer(partner, site, ReferralStatus.SUBMITTED, 2)
    _refer(partner, site, ReferralStatus.REJECTED, 1)
    client = login(referrer)
    page = client.get(f"{LIST}?status=submitted").context["page"]
    assert page.paginator.count == 2


def test_the_button_to_refer_someone_is_first(login, referrer):
    html = login(referrer).get(HOME).content.decode()
    button = f'<a class="button button-large" href="{reverse("referrals:create")}">Orienter une personne</a>'
    assert button in html
    assert html.index(button) < html.index("Vos orientations")


def _queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return len(captured)


def test_counting_costs_one_query_whatever_the_number(login, referrer, partner, site):
    client = login(referrer)
    client.get(HOME)
    empty = _queries(client)
    for status in ReferralStatus.values:
        _refer(partner, site, status, 3)
    assert _queries(client) == empty


def test_other_roles_get_no_partner_counts(login, site):
    response = login(MembershipFactory(organisation=site, role=Role.MEDIATOR)).get(HOME)
    assert "status_counts" not in response.context
