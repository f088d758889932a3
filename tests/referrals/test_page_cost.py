"""The fixed cost of a signed-in page: a small, constant number of queries, whatever the data
(docs/decisions/0018-signed-in-page-cost.md). Timings live in benchmarks/bench_serve.py."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_removed
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.referrals.actions import prepare
from tisser.accounts import middleware
from tisser.accounts.models import Membership
from tisser.core.dates import format_when
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.models import Referral

S = ReferralStatus
# Session, the user with their memberships (and their organisations: the current one, the
# switcher and the duty of a second factor, in one query: accounts.backends), the navigation
# badge: the signed-in base.
SIGNED_IN_BASE = 3
PAGES = {
    # + the site with its opening hours (2), the team (1), today's and tomorrow's appointments
    # (1: one read unless the first day alone fills it), the overdue ones (1), the referrals
    # waiting for an answer (1), which visits are already recorded (1), the people I
    # accompanied lately (2).
    "workspace:home": ("", SIGNED_IN_BASE + 9),
    # + the site (1), the team of the filter (1), the count and the page of appointments (2),
    # the closures of the days shown (1), which visits are already recorded (1).
    # + the week's programme sessions and workshops (two queries, issue 15).
    "workspace:agenda": ("?vue=week", SIGNED_IN_BASE + 8),
    # + the count, the SMS caps, the partners of the filter, the page, its appointments.
    "referrals:inbox": ("?status=all", SIGNED_IN_BASE + 5),
    # + the first page's exact matches, then the count when they fill it, else the near
    # matches and the rows of those on the page (a site role's scope is its own site: no
    # query; PostgreSQL's trigram threshold is set when the connection opens).
    "beneficiaries:search": ("?q=Weber", SIGNED_IN_BASE + 3),
}


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    # The savepoints are the request's transaction (ATOMIC_REQUESTS) inside the test's own.
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def _fill(world, rows):
    for index in range(rows):
        prepare(world, S.ACCEPTED if index % 2 else S.SUBMITTED)
        BeneficiaryFactory(site=world.site, last_name=f"Weber{index}")


@pytest.mark.parametrize("name", list(PAGES))
def test_a_signed_in_page_runs_a_fixed_small_number_of_queries(login, world, name):
    client = login(world.manager)
    query, budget = PAGES[name]
    path = reverse(name) + query
    _fill(world, 30)
    client.get(path)  # the first request of the session writes its "last seen" time
    queries = _queries(client, path)
    assert len(queries) <= budget, "\n".join(queries)


@pytest.mark.parametrize("name", list(PAGES))
def test_the_queries_do_not_grow_with_the_rows(login, world, name):
    client = login(world.manager)
    query, _budget = PAGES[name]
    path = reverse(name) + query
    _fill(world, 2)
    client.get(path)
    few = len(_queries(client, path))
    _fill(world, 40)
    # Equal, or fewer: a page full of exact names skips the search for close ones.
    assert len(_queries(client, path)) <= few


def test_the_second_factor_and_the_memberships_are_read_once(login, world):
    client = login(world.manager)
    path = reverse("referrals:inbox")
    client.get(path)
    queries = _queries(client, path)
    assert not [sql for sql in queries if "mfa_authenticator" in sql]
    assert len([sql for sql in queries if 'FROM "accounts_membership"' in sql]) == 1
    # The user is read with the memberships, not on its own.
    assert not [sql for sql in queries if 'FROM "accounts_user"' in sql]


def test_a_session_of_the_former_backend_stays_signed_in(login, world):
    """Sessions opened under Django's own backend are carried over to accounts.backends."""
    client = login(world.manager)
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    page = client.get(reverse("referrals:inbox"))
    assert page.status_code == 200
    assert page.context["user"] == world.manager.user
    assert client.session[BACKEND_SESSION_KEY] == "tisser.accounts.backends.ModelBackend"


def test_a_user_without_an_active_membership_is_read_alone(client, world):
    """No active membership: the user is read as Django reads it, and the memberships are
    not asked for a second time; the page says there is no membership."""
    user = world.manager.user
    Membership.objects.filter(user=user).update(is_active=False)
    client.force_login(user)
    client.get(reverse("workspace:home"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("workspace:home"))
    assert response.url == reverse("accounts:no_membership")
    membership_reads = [
        q["sql"] for q in captured.captured_queries if 'FROM "accounts_membership"' in q["sql"]
    ]
    assert len(membership_reads) == 1


def test_without_a_factor_every_request_checks_again(login, world):
    client = login(world.manager, with_totp=False)
    path = reverse("referrals:inbox")
    assert client.get(path).url == reverse("mfa_index")
    Authenticator.objects.create(
        user=world.manager.user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    assert client.get(path).status_code == 200


def test_a_factor_removed_elsewhere_is_seen_after_the_recheck_delay(login, world, monkeypatch):
    client = login(world.manager)
    path = reverse("referrals:inbox")
    assert client.get(path).status_code == 200
    Authenticator.objects.filter(user=world.manager.user).delete()
    assert client.get(path).status_code == 200  # the session's answer, a moment ago
    later = time.time() + middleware.SECOND_FACTOR_RECHECK_SECONDS + 1
    monkeypatch.setattr(middleware.time, "time", lambda: later)
    assert client.get(path).url == reverse("mfa_index")


def test_a_factor_removed_in_this_session_is_seen_at_once(login, world):
    client = login(world.manager)
    path = reverse("referrals:inbox")
    assert client.get(path).status_code == 200
    authenticator = Authenticator.objects.get(user=world.manager.user)
    session = SessionStore(session_key=client.session.session_key)
    request = RequestFactory().get("/")
    request.session = session
    authenticator.delete()
    authenticator_removed.send(
        sender=Authenticator, request=request, user=world.manager.user, authenticator=None
    )
    session.save()
    assert client.get(path).url == reverse("mfa_index")


def test_the_rows_show_the_status_badge_and_the_planned_appointment(login, world):
    accepted = prepare(world, S.ACCEPTED)
    prepare(world, S.SUBMITTED)
    page = login(world.manager).get(reverse("referrals:inbox") + "?status=all")
    content = page.content.decode()
    assert '<span class="badge badge-ok">Accepté, rendez-vous proposé</span>' in content
    assert '<span class="badge badge-warn">Envoyé</span>' in content
    appointment = accepted.appointments.get()
    assert format_when(appointment.starts_at) in content
    assert '<td data-label="Rendez-vous">—</td>' in content


def test_a_choice_label_comes_from_the_field_choices():
    assert Referral(status=S.MODERATION_PENDING).get_status_display() == (
        "En attente de modération"
    )
    assert Referral(status="unknown").get_status_display() == "unknown"


def test_a_network_admin_row_names_the_space(login, world):
    referral = prepare(world, S.SUBMITTED)
    content = login(world.admin).get(reverse("referrals:inbox")).content.decode()
    assert (
        f'<span class="muted">{referral.reference}</span></td>\n'
        f'      <td data-label="Espace">{world.site.name}</td>' in (content)
    )
    assert f'<td data-label="Envoyé par">{world.partner.name}</td>' in content


def test_the_fixed_queries_of_a_signed_in_page_are_compiled_once(login, world, monkeypatch):
    """The memberships, the badge, the SMS caps, the partners of the filter, and the inbox's
    count, rows and planned appointments: compiled by the first request of the connection,
    then only run (docs/decisions/0048-fixed-queries.md, 0018 fifth round)."""
    from tisser.core.fixed_queries import FixedQuery, reset

    reset()  # as a new process: nothing compiled yet
    compiled = []
    original = FixedQuery._compile

    def counting(self, *args, **kwargs):
        compiled.append(self.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FixedQuery, "_compile", counting)
    client = login(world.manager)
    prepare(world, S.SUBMITTED)
    path = reverse("referrals:inbox")
    client.get(path)
    first = set(compiled)
    compiled.clear()
    queries = _queries(client, path)
    assert compiled == []
    assert first == {
        "accounts.memberships_of_request",
        "referrals.inbox_counts",
        "notifications.caps_reached_today",
        "accounts.partner_choices",
        "referrals.inbox_first_page_count",
        "referrals.inbox_first_page_rows",
        "referrals.inbox_first_page_planned",
    }
    assert len(queries) <= SIGNED_IN_BASE + 5


@pytest.mark.parametrize("name", ["referrals:inbox", "beneficiaries:search"])
def test_the_inbox_and_the_search_read_without_a_transaction(login, world, name):
    """Read-only pages: no BEGIN and COMMIT around the view (here, no savepoint inside the
    test's transaction), decision 0018, fifth round."""
    client = login(world.manager)
    path = reverse(name) + PAGES[name][0]
    _fill(world, 2)
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    assert not [q for q in captured.captured_queries if "SAVEPOINT" in q["sql"]]
    other = reverse("workspace:home")
    with CaptureQueriesContext(connection) as captured:
        client.get(other)
    assert [q for q in captured.captured_queries if "SAVEPOINT" in q["sql"]]


def test_the_inbox_rows_escape_what_people_typed(login, world):
    referral = prepare(world, S.SUBMITTED)
    Referral.objects.filter(pk=referral.pk).update(
        first_name='<b>Zoé & "Léa"</b>', last_name="O'Brien<script>"
    )
    content = login(world.manager).get(reverse("referrals:inbox")).content.decode()
    assert "&lt;b&gt;Zoé &amp; &quot;Léa&quot;&lt;/b&gt; O&#x27;Brien&lt;script&gt;</a>" in content
    assert "<script>" not in content.split("<tbody>")[1].split("</tbody>")[0]


def _inbox_page(client, query=""):
    page = client.get(reverse("referrals:inbox") + query).context["page"]
    return (
        page.paginator.count,
        page.number,
        [
            (r.pk, r.site_name, r.partner_name, [a.starts_at for a in r.planned_appointments])
            for r in page
        ],
    )


@pytest.mark.parametrize(
    "query",
    ["", "?page=1", "?page=abc", "?status=accepted", "?status=submitted&partner=&age=&q=&source=",
     "?status=bogus", "?status=all", "?page=2", "?page=0", "?status=accepted&age=gt10"],
)  # fmt: skip
def test_the_inbox_first_page_reads_what_the_querysets_read(login, world, query, monkeypatch):
    """The usual view's fixed queries (decision 0018, fifth round) give the count, the page
    number and the rows (names, planned appointments) of the queryset path."""
    from tisser.referrals import selectors

    for index in range(30):
        prepare(world, S.ACCEPTED if index % 3 else S.SUBMITTED)
    client = login(world.manager)
    fixed = _inbox_page(client, query)
    monkeypatch.setattr(selectors, "inbox_first_page_fits", lambda membership: False)
    assert _inbox_page(client, query) == fixed
    assert fixed[0] > 0 or "age=gt10" in query  # sent a day ago: none older
