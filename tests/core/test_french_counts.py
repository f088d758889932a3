"""Counts on empty lists read "Aucun …", never "0 …s" (docs/decisions/0028)."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.conftest import make_member
from tisser.accounts.enums import Role

pytestmark = pytest.mark.django_db

ZERO_PLURAL = re.compile(r"\b0\s+\w+s\b")


@pytest.mark.parametrize(
    ("url_name", "query", "expected"),
    [
        ("referrals:inbox", {}, "Aucun bon d'orientation"),
        ("activities:list", {}, "Aucune activité"),
        ("beneficiaries:search", {}, "Aucun dossier"),
        ("beneficiaries:search", {"q": "Zzyzx"}, "Aucun dossier trouvé pour « Zzyzx »"),
    ],
)
def test_an_empty_list_says_aucun(client, login, site, url_name, query, expected):
    login(make_member(site, Role.SITE_MANAGER))
    html = unescape(client.get(reverse(url_name), query).content.decode())
    assert expected in html
    assert not ZERO_PLURAL.search(html)


def test_a_partner_without_referrals_reads_aucun(client, login, partner):
    login(make_member(partner, Role.PARTNER_REFERRER))
    html = unescape(client.get(reverse("referrals:partner_list")).content.decode())
    assert "Aucun bon d'orientation" in html
    assert not ZERO_PLURAL.search(html)
