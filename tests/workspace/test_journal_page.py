"""The journal page: network admins only, searchable, paginated, constant queries, escaped."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory, UserFactory
from tisser.accounts.enums import Role
from tisser.core import journal
from tisser.core.models import JournalEntry

URL = reverse("workspace:journal")


@pytest.fixture
def admin_client(login, network_admin):
    return login(network_admin)


def rows(response):
    return list(response.context["page"].object_list)


def entry(**fields):
    return JournalEntry.objects.create(**fields)


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        ("site", Role.SITE_MANAGER),
        ("site", Role.MEDIATOR),
        ("site", Role.VOLUNTEER),
        ("partner", Role.PARTNER_REFERRER),
        ("funder", Role.FUNDER_VIEWER),
    ],
)
def test_only_network_admins_read_the_journal(login, request, kind, role):
    organisation = request.getfixturevalue(kind)
    client = login(MembershipFactory(organisation=organisation, role=role))
    response = client.get(URL)
    assert response.status_code == 403
    assert "Journal des actions" not in response.content.decode()


def test_network_admin_sees_the_journal_newest_first(admin_client, site, network_admin):
    older = journal.record(actor=network_admin.user, action="site.updated", obj=site, site=site)
    newer = journal.record(actor=None, action="journal.purged", payload={"removed": 2})
    response = admin_client.get(URL)
    assert response.status_code == 200
    assert rows(response) == [newer, older]
    html = response.content.decode()
    assert '<td data-label="Action">Espace modifié</td>' in html
    assert '<td data-label="Action">Anciennes entrées du journal supprimées</td>' in html
    assert network_admin.user.email in html
    edit = reverse("accounts:site_edit", kwargs={"pk": site.pk})
    assert f'<a href="{edit}">{site.name}</a>' in html
    assert "entrées supprimées : 2" in html
    assert "Système" in html


def test_reading_the_journal_writes_nothing(admin_client, site):
    journal.record(actor=None, action="site.updated", obj=site, site=site)
    admin_client.get(URL)
    assert JournalEntry.objects.count() == 1


def test_network_admin_link_in_the_navigation(admin_client):
    assert f'href="{URL}"' in admin_client.get(reverse("workspace:home")).content.decode()


def test_other_networks_entries_are_not_shown(admin_client, site, network_admin):
    other_network = NetworkFactory(name="Autre réseau")
    other_site = SiteFactory(network=other_network)
    stranger = MembershipFactory(organisation=other_site, role=Role.SITE_MANAGER).user
    mine = journal.record(actor=None, action="a.site", obj=site, site=site)
    mine_no_site = journal.record(actor=network_admin.user, action="a.network")
    journal.record(actor=None, action="b.site", obj=other_site, site=other_site)
    journal.record(actor=stranger, action="b.network")
    assert set(rows(admin_client.get(URL))) == {mine, mine_no_site}


def test_output_is_escaped(admin_client, site):
    journal.record(
        actor=None,
        action="member.deactivated",
        site=site,
        reason="<script>alert('x')</script>",
        payload={"note": "<img src=x onerror=alert(1)>"},
    )
    html = admin_client.get(URL).content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


# --- Search -----------------------------------------------------------------------------


@pytest.fixture
def varied(site, other_site, network_admin):
    alice = MembershipFactory(organisation=site, role=Role.SITE_MANAGER).user
    now = timezone.now()
    return {
        "invite": entry(
            action="member.invited",
            actor=alice,
            site=site,
            object_type="accounts.invitation",
            object_id="7",
        ),
        "role": entry(
            action="member.role_changed",
            actor=alice,
            site=site,
            object_type="accounts.membership",
            object_id="12",
        ),
        "site": entry(
            action="site.updated",
            actor=network_admin.user,
            site=other_site,
            object_type="accounts.site",
            object_id=str(other_site.pk),
        ),
        "old": entry(
            action="site.created",
            actor=network_admin.user,
            site=site,
            created_at=now - datetime.timedelta(days=40),
        ),
        "alice": alice,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "member.invited"}, {"invite"}),
        ({"action": "member.role_changed"}, {"role"}),
        ({"action": "site.created"}, {"old"}),
        ({"object_type": "accounts.membership"}, {"role"}),
        ({"object_type": "accounts.invitation", "object_id": "7"}, {"invite"}),
        ({"object_id": "8"}, set()),
    ],
)
def test_search_by_action_and_object(admin_client, varied, query, expected):
    found = rows(admin_client.get(URL, query))
    assert set(found) == {varied[key] for key in expected}


def test_search_by_author_email_ignores_case(admin_client, varied):
    found = rows(admin_client.get(URL, {"actor_email": varied["alice"].email.upper()}))
    assert set(found) == {varied["invite"], varied["role"]}


def test_search_by_site(admin_client, varied, other_site):
    assert rows(admin_client.get(URL, {"site": other_site.pk})) == [varied["site"]]


def test_search_by_date_range(admin_client, varied):
    today = timezone.localdate()
    recent = rows(admin_client.get(URL, {"date_from": today.isoformat()}))
    assert set(recent) == {varied["invite"], varied["role"], varied["site"]}
    day = timezone.localtime(varied["old"].created_at).date()
    exact = rows(admin_client.get(URL, {"date_from": day.isoformat(), "date_to": day.isoformat()}))
    assert exact == [varied["old"]]
    before = rows(
        admin_client.get(URL, {"date_to": (today - datetime.timedelta(days=1)).isoformat()})
    )
    assert before == [varied["old"]]


def test_search_combines_criteria(admin_client, varied, site):
    found = rows(
        admin_client.get(URL, {"action": "member.role_changed", "site": site.pk, "object_id": "12"})
    )
    assert found == [varied["role"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "2026-05-10", "date_to": "2026-05-01"}, "date_to"),
        ({"date_from": "10 mai"}, "date_from"),
        ({"actor_email": "pas-une-adresse"}, "actor_email"),
        ({"site": "999999"}, "site"),
    ],
)
def test_bad_search_input_gets_a_french_message_and_no_results(admin_client, varied, query, field):
    response = admin_client.get(URL, query)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert rows(response) == []
    assert "La recherche contient des erreurs" in response.content.decode()


def test_site_choices_are_the_network_s_sites(admin_client, site, other_site):
    foreign = SiteFactory(network=NetworkFactory(name="Autre réseau"))
    choices = set(admin_client.get(URL).context["form"].fields["site"].queryset)
    assert choices == {site, other_site}
    assert foreign not in choices


# --- Pagination and query count ----------------------------------------------------------


def make_entries(count, *, site, actor):
    JournalEntry.objects.bulk_create(
        JournalEntry(action="site.updated", actor=actor, site=site, object_type="accounts.site")
        for i in range(count)
    )


def test_pagination_by_50_keeps_the_search(admin_client, site, network_admin):
    make_entries(120, site=site, actor=network_admin.user)
    journal.record(actor=None, action="journal.purged")
    first = admin_client.get(URL, {"action": "site.updated"})
    assert len(rows(first)) == 50
    assert first.context["page"].paginator.count == 120
    html = first.content.decode()
    assert "Page 1 sur 3" in html
    assert "?action=site.updated&amp;page=2" in html
    last = admin_client.get(URL, {"action": "site.updated", "page": 3})
    assert len(rows(last)) == 20


def count_queries(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(queries)


def test_constant_number_of_queries(admin_client, site, other_site, network_admin):
    make_entries(1, site=site, actor=network_admin.user)
    admin_client.get(URL)  # the first request of a session also writes the session
    with_one = count_queries(admin_client)
    for index in range(60):
        user = UserFactory()
        journal.record(
            actor=user, action="test.many", site=other_site if index % 2 else site, reason="x"
        )
    with_many = count_queries(admin_client)
    assert with_many == with_one
    assert count_queries(admin_client, {"site": site.pk, "action": "site.updated"}) <= with_one + 1
