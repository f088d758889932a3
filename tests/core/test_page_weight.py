"""A staff page weighs at most 60 KB compressed on first load, fonts excluded.

We render the page, then gzip its HTML and every same-origin stylesheet and script it
references (read through the staticfiles finders, as WhiteNoise would serve them).
"""

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.accounts.factories import (
    FunderFactory,
    MembershipFactory,
    OpeningHoursFactory,
    PartnerFactory,
    SiteFactory,
)
from tisser.accounts.enums import Role

BUDGET_BYTES = 60 * 1024
ASSET_RE = re.compile(
    r"""<(?:link[^>]+rel=["']stylesheet["'][^>]*href|script[^>]+src)=["']([^"']+)["']"""
)


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def first_load_weight(html: str) -> tuple[int, list[str]]:
    """Compressed bytes of the HTML and of every same-origin CSS/JS it references."""
    total = gzipped_size(html.encode())
    assets = []
    for url in ASSET_RE.findall(html):
        assert not url.startswith(("http:", "https:", "//")), f"external resource {url}"
        assert url.startswith(settings.STATIC_URL), f"unexpected asset {url}"
        path = finders.find(url.removeprefix(settings.STATIC_URL).split("?")[0])
        assert path, f"asset not found: {url}"
        with open(path, "rb") as handle:
            total += gzipped_size(handle.read())
        assets.append(url)
    return total, assets


@pytest.fixture
def busy_network(network):
    """A network as big as a national one shows on a first page: 50 sites and more."""
    for index, site in enumerate(SiteFactory.create_batch(60, network=network)):
        OpeningHoursFactory(site=site, weekday=index % 6)
        MembershipFactory(organisation=site, role=Role.MEDIATOR)
    PartnerFactory.create_batch(5, network=network)
    FunderFactory.create_batch(5, network=network)
    return network


def test_staff_home_of_a_network_admin_fits_the_budget(login, busy_network, network_admin):
    response = login(network_admin).get("/espace-pro/")
    assert response.status_code == 200
    total, assets = first_load_weight(response.content.decode())
    assert "/static/tisser/tisser.css" in assets
    assert total <= BUDGET_BYTES, f"{total} bytes compressed > {BUDGET_BYTES}"


def test_public_home_fits_the_budget(client, busy_network):
    response = client.get("/")
    assert response.status_code == 200
    total, assets = first_load_weight(response.content.decode())
    assert assets, "the page should at least load our stylesheet"
    assert total <= BUDGET_BYTES, f"{total} bytes compressed > {BUDGET_BYTES}"


def test_weight_counts_the_referenced_assets(client, db):
    html = '<link rel="stylesheet" href="/static/tisser/tisser.css"><p>x</p>'
    total, assets = first_load_weight(html)
    css_path = finders.find("tisser/tisser.css")
    with open(css_path, "rb") as handle:
        css_size = gzipped_size(handle.read())
    assert assets == ["/static/tisser/tisser.css"]
    assert total == css_size + gzipped_size(html.encode())
