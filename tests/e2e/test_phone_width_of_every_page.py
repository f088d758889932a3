"""No page scrolls sideways on a 360 px phone: one page of each URL pattern that the crawl of
issue 9 reaches (tests/demo/shared/crawl.py), for each demo role and a visitor, opened in
Chromium."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.demo.shared.crawl import crawl
from tests.demo.shared.test_crawl import signed_in_client
from tests.e2e.demo_snapshot import seed_ci_demo
from tests.e2e.screen import page_width
from tests.e2e.test_acceptance import sign_in
from tests.e2e.test_printouts_and_phone_lists import PHONE, signed_in
from tisser.accounts import demo
from tisser.accounts.models import Membership

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data():
    seed_ci_demo()


# Pages that leave the site or stream a file: not pages a phone lays out.
NOT_LAID_OUT = ("export", "pdf", "logout", "csv")


def pages_of(login) -> list[str]:
    """One page of each URL pattern the crawl reaches, as ``login`` or as a visitor (None)."""
    if login is None:
        client, start = Client(), [reverse("website:home")]
    else:
        membership = Membership.objects.get(
            user__email=login.email, role=login.role, organisation__name=login.organisation
        )
        client, start = signed_in_client(membership), [reverse("workspace:home")]
    report = crawl(client, start, budget=120, per_pattern=1)
    return [
        path
        for name, path in sorted(report.first_page_of.items())
        if not any(word in name for word in NOT_LAID_OUT)
    ]


def opened_as(new_page, local: str):
    """A phone-sized page signed in as the demo role (the funder needs no second factor), or
    a visitor's."""
    if local == "visiteur":
        return new_page(**PHONE)
    if local == "financeur":
        page = new_page(**PHONE)
        sign_in(page, f"{local}@{demo.DEMO_EMAIL_DOMAIN}", demo.DEMO_PASSWORD)
        page.wait_for_url("**/espace-pro/")
        return page
    return signed_in(new_page, local, **PHONE)


ROLES = [
    "admin",
    "responsable",
    "mediateur",
    "benevole",
    "prescripteur",
    "financeur",
    "comptable",
    "visiteur",
]


def test_every_page_of_the_crawl_fits_a_360_px_phone(new_page, demo_data):
    """Every role in one test: the demo is seeded once for all of them (a browser test's data
    cannot be shared between tests, each one ends with a flush)."""
    too_wide = []
    for local in ROLES:
        login = next((x for x in demo.LOGINS if x.email.startswith(f"{local}@")), None)
        paths = pages_of(login)
        assert len(paths) >= 3, (local, paths)
        page = opened_as(new_page, local)
        for path in paths:
            page.goto(path)
            width = page_width(page)
            if width > PHONE["width"]:
                too_wide.append(f"{local}: {path}: {width} px")
        print(f"\n{local}: {len(paths)} pages, one per URL pattern, at 360 px")
        page.context.close()
    assert not too_wide, "\n".join(too_wide)
