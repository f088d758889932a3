"""``FixedQuery``: a values() queryset compiled once per connection and shape, run with new
values each time (docs/decisions/0048-fixed-queries.md)."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import MembershipFactory, PartnerFactory, SiteFactory
from tisser.accounts.models import Membership, Partner
from tisser.core.fixed_queries import FixedQuery
from tisser.notifications.models import AnonymousSmsDay

PARTNERS = FixedQuery(
    "tests.partners",
    lambda network: (
        Partner.objects.filter(network_id=network).order_by("name").values("id", "name")
    ),
)


def _compilations(monkeypatch):
    calls = []
    original = SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        calls.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    return calls


def test_the_rows_are_the_queryset_s_for_each_value_and_it_compiles_once(network, monkeypatch):
    from tests.accounts.factories import NetworkFactory

    other = NetworkFactory(name="Autre réseau")
    PartnerFactory(network=network, name="Zèbre")
    PartnerFactory(network=network, name="Abeille")
    PartnerFactory(network=other, name="Ailleurs")
    compilations = _compilations(monkeypatch)
    for number, current in enumerate((network, other, network)):
        expected = list(
            Partner.objects.filter(network_id=current.pk).order_by("name").values("id", "name")
        )
        compilations.clear()
        with CaptureQueriesContext(connection) as captured:
            assert PARTNERS.rows(network=current.pk) == expected
        assert len(captured.captured_queries) == 1
        # Compiled on the first call of this connection, never again.
        assert compilations == ([Partner] if number == 0 else [])
    assert [row["name"] for row in PARTNERS.rows(network=network.pk)] == ["Abeille", "Zèbre"]


def test_dates_and_converted_columns_come_back_as_python_values(site):
    day = datetime.date(2026, 11, 29)
    AnonymousSmsDay.objects.create(site=site, day=day, sent=3, cap_reached_at=None)
    by_day = FixedQuery(
        "tests.sms_days",
        lambda site, day: AnonymousSmsDay.objects.filter(site_id=site, day=day).values(
            "day", "sent", site_name=F("site__name")
        ),
        day=datetime.date,
    )
    assert by_day.rows(site=site.pk, day=day) == [{"day": day, "sent": 3, "site_name": site.name}]
    assert by_day.rows(site=site.pk, day=day + datetime.timedelta(days=1)) == []


def test_one_sql_per_shape(site, network_admin):
    manager = MembershipFactory(organisation=site, role="site_manager")
    visible = FixedQuery(
        "tests.visible_memberships",
        lambda role, organisation: (
            Membership.objects.visible_to(
                Membership(organisation_id=organisation, role=role, is_active=True)
            )
            .order_by("pk")
            .values("pk")
        ),
    )
    as_admin = visible.rows(shape="network_admin", organisation=network_admin.organisation_id)
    as_manager = visible.rows(shape="site_manager", organisation=site.pk)
    assert {row["pk"] for row in as_admin} == {network_admin.pk, manager.pk}
    assert as_manager == [{"pk": manager.pk}]


def test_a_query_that_breaks_the_rules_is_refused_at_once(network):
    instances = FixedQuery(
        "tests.objects", lambda network: Partner.objects.filter(network_id=network)
    )
    with pytest.raises(ValueError, match="values"):
        instances.rows(network=network.pk)
    ignored = FixedQuery(
        "tests.ignored", lambda network: Partner.objects.values("id").annotate(n=Count("pk"))
    )
    with pytest.raises(ValueError, match="parameters"):
        ignored.rows(network=network.pk)
    with pytest.raises(TypeError):
        FixedQuery("tests.text", lambda name: Partner.objects.values("id"), name=str).rows(name="x")


def test_each_connection_and_thread_compiles_its_own(site):
    SiteFactory(network=site.network)
    first = PARTNERS.rows(network=site.network_id)
    assert "tests.partners" in {key[0] for key in connection._tisser_fixed_queries}
    assert PARTNERS.rows(network=site.network_id) == first


PARTNERS_NAMED = FixedQuery(
    "tests.partners_named",
    lambda network, exact, part: (
        Partner.objects.filter(network_id=network)
        .filter(Q(name=exact) | Q(name__contains=part))
        .order_by("name")
        .values("id", "name")
    ),
)


def test_texts_reach_equalities_and_like_patterns_escaped(network, monkeypatch):
    """A text value goes where the marker was, and inside a ``contains`` pattern escaped
    as Django escapes it (decision 0018, fifth round: the name search)."""
    for name in ("Abeille", "Zèbre", "Cent % sûr", "Cent pour sûr", "a_b", "axb", "Dé\\fi"):
        PartnerFactory(network=network, name=name)
    compilations = _compilations(monkeypatch)
    cases = [("Zèbre", "beil"), ("nobody", "%"), ("nobody", "_"), ("axb", "\\"), ("", "")]
    for number, (exact, part) in enumerate(cases):
        expected = list(
            Partner.objects.filter(network_id=network.pk)
            .filter(Q(name=exact) | Q(name__contains=part))
            .order_by("name")
            .values("id", "name")
        )
        compilations.clear()
        rows = PARTNERS_NAMED.rows(network=network.pk, exact=exact, part=part)
        assert rows == expected, (exact, part)
        assert compilations == ([Partner] if number == 0 else [])
    names = [r["name"] for r in PARTNERS_NAMED.rows(network=network.pk, exact="", part="%")]
    assert names == ["Cent % sûr"]
