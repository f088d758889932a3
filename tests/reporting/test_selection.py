"""Who reads which figures, and the filters of the address turned into a selection."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from tests.accounts.factories import FunderFactory, NetworkFactory, PartnerFactory, SiteFactory
from tests.conftest import make_member
from tests.funding.factories import ConventionFactory, DotationFactory
from tests.training.factories import ProgrammeFactory
from tisser.accounts.enums import Role
from tisser.core import clock
from tisser.reporting import selection as scopes
from tisser.reporting.enums import FacetKind
from tisser.reporting.forms import FUNDER, NETWORK, SITE, DashboardFilterForm
from tisser.reporting.selection import Filters, funder_reach, reader_scope, selection_for

pytestmark = pytest.mark.django_db


def test_each_role_reads_its_own_scope(network, site, funder):
    assert reader_scope(make_member(network, Role.NETWORK_ADMIN)).site_ids is None
    assert reader_scope(make_member(network, Role.ACCOUNTANT)).network_id == network.pk
    for role in (Role.SITE_MANAGER, Role.MEDIATOR):
        scope = reader_scope(make_member(site, role))
        assert (scope.network_id, scope.site_ids) == (network.pk, frozenset({site.pk}))
    scope = reader_scope(make_member(funder, Role.FUNDER_VIEWER))
    assert (scope.network_id, scope.funder_id) == (network.pk, funder.pk)


def test_no_membership_and_other_roles_read_nothing(site, partner):
    with pytest.raises(PermissionDenied):
        reader_scope(None)
    for organisation, role in ((site, Role.VOLUNTEER), (partner, Role.PARTNER_REFERRER)):
        with pytest.raises(PermissionDenied):
            reader_scope(make_member(organisation, role))


def test_a_funder_reaches_its_conventions_sites_dates_dotations_and_programmes(network, site):
    other_site = SiteFactory(network=network)
    funder, other_funder = FunderFactory(network=network), FunderFactory(network=network)
    mine = ConventionFactory(
        funder=funder,
        sites=[site],
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2026, 6, 30),
    )
    theirs = ConventionFactory(funder=other_funder, sites=[other_site])
    dotation = DotationFactory(convention=mine)
    DotationFactory(convention=theirs)
    programme = ProgrammeFactory(network=network, convention=mine)
    ProgrammeFactory(network=network, convention=theirs)

    reach = funder_reach(funder.pk)

    assert reach.site_windows == {
        site.pk: ((datetime.date(2026, 2, 1), datetime.date(2026, 6, 30)),)
    }
    assert reach.dotations == frozenset({dotation.pk})
    assert reach.programmes == frozenset({programme.pk})


def test_only_a_network_admin_opens_the_view_of_a_funder_of_their_network(network, funder):
    admin = reader_scope(make_member(network, Role.NETWORK_ADMIN))
    assert scopes.funder_view_scope(admin, funder).funder_id == funder.pk
    with pytest.raises(PermissionDenied):
        scopes.funder_view_scope(admin, FunderFactory(network=NetworkFactory(name="Autre réseau")))
    viewer = reader_scope(make_member(funder, Role.FUNDER_VIEWER))
    with pytest.raises(PermissionDenied):
        scopes.funder_view_scope(viewer, FunderFactory(network=network))


def test_the_filters_narrow_the_scope_and_name_the_facets(network, site):
    scope = reader_scope(make_member(site, Role.SITE_MANAGER))
    other = SiteFactory(network=network)
    chosen = Filters(
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 3, 31),
        site_ids=frozenset({other.pk}),
        programme_id=7,
        partner_id=9,
    )
    found = selection_for(scope, chosen)
    assert found.site_ids == frozenset()  # another site is never added to a site's scope
    assert found.facets == {FacetKind.PROGRAMME: frozenset({7}), FacetKind.PARTNER: frozenset({9})}
    assert found.reach is None


def test_the_previous_period_has_the_same_length():
    scope = scopes.Scope(network_id=1, role=Role.NETWORK_ADMIN)
    current = selection_for(
        scope, Filters(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
    )
    before = scopes.previous(current)
    assert (before.start, before.end) == (datetime.date(2026, 1, 29), datetime.date(2026, 2, 28))


# --- the form ---------------------------------------------------------------------------


def _form(data, membership, kind=NETWORK):
    return DashboardFilterForm(data, scope=reader_scope(membership), kind=kind)


def test_by_default_this_calendar_year_to_date(network):
    admin = make_member(network, Role.NETWORK_ADMIN)
    today = clock.localdate()
    filters = _form(None, admin).filters()
    assert (filters.start, filters.end) == (datetime.date(today.year, 1, 1), today)
    assert not filters.compare and filters.site_ids is None


def test_wrong_dates_are_french_errors_and_the_defaults_stay(network):
    admin = make_member(network, Role.NETWORK_ADMIN)
    today = clock.localdate()
    for data, field in (
        ({"debut": "1999-12-31"}, "debut"),
        ({"debut": "n'importe quoi"}, "debut"),
        ({"fin": f"{today.year + 2}-01-01"}, "fin"),
        ({"debut": "2026-03-10", "fin": "2026-03-01"}, "fin"),
        ({"debut": (today + datetime.timedelta(days=1)).isoformat()}, "debut"),
    ):
        form = _form(data, admin)
        assert not form.is_valid() and field in form.errors, data
        filters = form.filters()
        assert filters.start <= filters.end
        assert filters.start >= datetime.date(2000, 1, 1)


def test_a_city_selects_its_sites_and_a_site_outside_the_network_is_an_error(network, site):
    admin = make_member(network, Role.NETWORK_ADMIN)
    same_city = SiteFactory(network=network, city=site.city)
    SiteFactory(network=network, city="Ailleurs-sur-Marne")
    form = _form({"commune": site.city, "comparer": "on"}, admin)
    filters = form.filters()
    assert filters.site_ids == frozenset({site.pk, same_city.pk}) and filters.compare
    foreign = SiteFactory(network=NetworkFactory(name="Autre réseau"))
    form = _form({"espace": str(foreign.pk)}, admin)
    assert "espace" in form.errors and form.filters().site_ids is None


def test_each_reader_is_offered_only_what_they_may_choose(network, site):
    funder = FunderFactory(network=network)
    covered, uncovered = SiteFactory(network=network), SiteFactory(network=network)
    ConventionFactory(funder=funder, sites=[covered])
    PartnerFactory(network=network)

    manager_form = _form(None, make_member(site, Role.SITE_MANAGER), SITE)
    assert {"espace", "commune", "financeur"}.isdisjoint(manager_form.fields)
    assert "partenaire" in manager_form.fields

    viewer_form = _form(None, make_member(funder, Role.FUNDER_VIEWER), FUNDER)
    assert list(viewer_form.fields["espace"].queryset) == [covered]
    assert {"partenaire", "financeur"}.isdisjoint(viewer_form.fields)
    refused = _form({"espace": str(uncovered.pk)}, make_member(funder, Role.FUNDER_VIEWER), FUNDER)
    assert "espace" in refused.errors

    admin_form = _form(None, make_member(network, Role.NETWORK_ADMIN))
    assert list(admin_form.fields["financeur"].queryset) == [funder]
