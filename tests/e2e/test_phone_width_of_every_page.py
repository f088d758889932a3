"""No page scrolls sideways on a 360 px phone: one page of each URL pattern that the crawl of
issue 9 reaches (tests/demo/shared/crawl.py), for each demo role, opened in Chromium."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.demo.shared.crawl import crawl
from tests.demo.shared.test_crawl import signed_in_client
from tests.e2e.test_printouts_and_phone_lists import PHONE, assert_fits_the_phone, signed_in
from tisser.accounts import demo
from tisser.accounts.models import Membership

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data():
    call_command("seed_demo", "--profile", "ci")


# Pages that leave the site or stream a file: not pages a phone lays out.
NOT_LAID_OUT = ("export", "pdf", "logout", "csv")


def pages_of(login) -> list[str]:
    membership = Membership.objects.get(
        user__email=login.email, role=login.role, organisation__name=login.organisation
    )
    report = crawl(
        signed_in_client(membership), [reverse("workspace:home")], budget=120, per_pattern=1
    )
    return [
        path
        for name, path in sorted(report.first_page_of.items())
        if not any(word in name for word in NOT_LAID_OUT)
    ]


@pytest.mark.parametrize("local", ["admin", "responsable", "mediateur", "prescripteur"])
def test_every_page_of_the_crawl_fits_a_360_px_phone(new_page, demo_data, local):
    login = next(login for login in demo.LOGINS if login.email.startswith(f"{local}@"))
    paths = pages_of(login)
    assert len(paths) >= 10, paths
    page = signed_in(new_page, local, **PHONE)
    too_wide = []
    for path in paths:
        page.goto(path)
        width = page.evaluate("() => document.scrollingElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{path}: {width} px")
    print(f"\n{local}: {len(paths)} pages, one per URL pattern, at 360 px")
    assert not too_wide, "\n".join(too_wide)
    assert_fits_the_phone(page)
