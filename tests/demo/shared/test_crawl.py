"""The crawl test (issue 9): every demo role walks the site from its home page, GET only,
and no page shows an English date, a "0 dossiers"-style plural or a server error.

The demo (``ci`` profile) is seeded once for the package; the roles walk it once for the
module, in a transaction rolled back afterwards. Each test prints its role's runtime and
the URL patterns it found links to but had no budget left to visit.
"""

import time
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.demo.shared.crawl import CrawlReport, all_url_names, crawl, french_problems
from tisser.accounts import demo
from tisser.accounts.models import Membership

pytestmark = pytest.mark.django_db

# Enough for every kind of page a role links to (the counter, after-sale and reporting pages
# of issue 11 added some forty patterns).
BUDGET = 400


@dataclass
class Walk:
    report: CrawlReport
    seconds: float


def signed_in_client(membership) -> Client:
    from allauth.mfa.models import Authenticator

    from tisser.accounts.middleware import user_needs_two_factor

    user = membership.user
    if user_needs_two_factor(user):
        Authenticator.objects.get_or_create(
            user=user,
            type=Authenticator.Type.TOTP,
            defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}},
        )
    client = Client()
    client.force_login(user)
    session = client.session
    session["current_membership_id"] = membership.pk
    session.save()
    return client


def _walk(client, start) -> Walk:
    began = time.perf_counter()
    report = crawl(client, start, budget=BUDGET)
    return Walk(report, time.perf_counter() - began)


@pytest.fixture(scope="module")
def walks(demo_ci_seed, django_db_blocker) -> dict[str, Walk]:
    """Every demo role's walk, and an anonymous visitor's, done once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = {}
        for login in demo.LOGINS:
            membership = Membership.objects.get(
                user__email=login.email, role=login.role, organisation__name=login.organisation
            )
            start = [reverse("workspace:home"), reverse("website:home")]
            result[login.email] = _walk(signed_in_client(membership), start)
        result["anonymous"] = _walk(Client(), [reverse("website:home")])
        transaction.set_rollback(True)  # the walks' sessions and journal entries
    return result


def _problems(report: CrawlReport) -> list[str]:
    return list(report.problems)


@pytest.mark.parametrize(
    "who",
    [login.email for login in demo.LOGINS] + ["anonymous"],
    ids=lambda who: who.split("@")[0],
)
def test_every_demo_role_walks_the_site_in_french_without_a_server_error(walks, who, capsys):
    walk = walks[who]
    report = walk.report
    with capsys.disabled():
        print(
            f"\ncrawl {who.split('@')[0]}: {report.pages} pages, "
            f"{len(report.visited_names)} URL patterns in {walk.seconds:.1f} s; "
            f"linked but not visited: {sorted(report.reachable_but_not_visited) or 'none'}"
        )
    problems = _problems(report)
    assert not problems, "\n".join(problems)
    assert report.pages >= 8  # it really walked the site
    # The budget was enough to open every kind of page the role found a link to.
    assert not report.reachable_but_not_visited


def test_the_crawl_covers_the_site_and_reports_what_no_role_reached(walks, capsys):
    names = all_url_names()
    visited = set().union(*(walk.report.visited_names for walk in walks.values())) & names
    never = sorted(name for name in names - visited if not name.startswith("admin:"))
    total = sum(walk.seconds for walk in walks.values())
    with capsys.disabled():
        print(
            f"\ncrawl, every role: {len(visited)} of {len(names)} URL patterns in "
            f"{total:.1f} s; not reached by a GET link (forms, POST actions, allauth "
            f"steps, Django admin left out): {never}"
        )
    # Every page a member works with is reached; what is left is listed above.
    for expected in (
        "workspace:home",
        "beneficiaries:search",
        "referrals:inbox",
        "activities:list",
        "accounts:member_list",
        "website:directory",
    ):
        assert expected in visited


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Créé le 5 Nov 2026", True),
        ("envoyé le 1 December 2026", True),
        ("envoyé le 3 novembre (il y a 3\xa0minutes)", True),
        ("il y a 2\xa0semaines", True),
        ("2 jours, 3 heures", True),
        ("2 days ago", True),
        ("Mon 5 janvier", True),
        ("0 dossiers", True),
        ("1 bons d'orientation", True),
        ("1\u00a0entrées", True),
        ("Mon compte", False),
        ("1 mois", False),
        ("le 1 mars 2026", False),
        ("Une session s'arrête après 30 minutes sans activité.", False),
        ("10 dossiers, 21 entrées, 2 dossiers", False),
        ("aucun dossier, 1 dossier, mardi 1er décembre à 9 h, il y a 5 min", False),
        ("il y a 5 jours, il y a 2 semaines", False),
    ],
)
def test_the_crawl_checks_catch_what_a_french_reader_would_stumble_on(text, found):
    assert bool(french_problems(text)) is found
