"""The staff navigation drawn by ``{% staff_nav %}``: each role's entries, in order, the
current page marked, the badges (docs/decisions/0018-signed-in-page-cost.md, third round)."""

import re

import pytest
from django.urls import reverse

from tests.referrals.actions import prepare
from tisser.accounts.enums import Role
from tisser.referrals.enums import ReferralStatus as S

MENU = re.compile(r'<nav class="main-nav".*?</nav>', re.S)
ENTRY = re.compile(r'<li><a href="([^"]+)"( aria-current="page")?>([^<]+)')

EXPECTED = {
    Role.NETWORK_ADMIN: [
        "Accueil", "Espaces", "Partenaires", "Financeurs", "Journal", "Membres",
        "Orientations", "Modération", "Demandes d'aide en retard", "Activités", "Dossiers",
        "Importer une liste", "Exercices", "Modules", "Formations", "Ateliers", "Tableau de bord des formations", "Stock", "Réceptions",
        "Commandes et transferts", "Catalogue", "Conventions", "Donateurs", "Dons reçus", "Reçus fiscaux",
        "Droits d'accès", "Comptoir", "Abonnements box", "Retours", "Caisse", "Chiffres",
    ],
    Role.SITE_MANAGER: [
        "Accueil", "Mon espace", "Membres", "Orientations", "Demandes d'aide en retard",
        "Agenda", "Activités", "Dossiers", "Importer une liste", "Exercices", "Modules", "Formations", "Ateliers", "Tableau de bord des formations", "Stock",
        "Réceptions", "Commandes et transferts", "Catalogue", "Dons reçus", "Droits d'accès",
        "Comptoir", "Abonnements box", "Retours", "Caisse", "Chiffres",
    ],
    Role.MEDIATOR: [
        "Accueil", "Orientations", "Agenda", "Activités", "Dossiers", "Importer une liste",
        "Exercices", "Modules", "Formations", "Ateliers", "Stock", "Commandes et transferts", "Catalogue", "Droits d'accès",
        "Comptoir", "Abonnements box", "Retours", "Caisse", "Chiffres",
    ],
    Role.VOLUNTEER: ["Accueil", "Dossiers", "Exercices", "Modules", "Formations", "Stock", "Catalogue", "Droits d'accès"],
    Role.PARTNER_REFERRER: [
        "Accueil", "Mes orientations", "Orienter une personne", "Importer une liste",
        "Personnes en formation",
    ],
    Role.FUNDER_VIEWER: ["Accueil", "Tableau de bord des formations", "Mes conventions", "Chiffres"],
}  # fmt: skip

MEMBERS = {
    Role.NETWORK_ADMIN: "admin",
    Role.SITE_MANAGER: "manager",
    Role.MEDIATOR: "mediator",
    Role.VOLUNTEER: "volunteer",
    Role.PARTNER_REFERRER: "referrer",
    Role.FUNDER_VIEWER: "funder_viewer",
}


def _menu(client, path):
    page = client.get(path)
    assert page.status_code == 200
    return MENU.search(page.content.decode()).group(0)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_its_entries_in_order_and_each_link_opens(login, world, role):
    client = login(getattr(world, MEMBERS[role]))
    menu = _menu(client, reverse("workspace:home"))
    entries = ENTRY.findall(menu)
    assert [label for _href, _current, label in entries] == EXPECTED[role]
    assert [label for _href, current, label in entries if current] == ["Accueil"]
    for href, _current, label in entries[1:]:
        assert client.get(href, follow=True).status_code == 200, label


def test_a_site_manager_s_space_is_their_own_site(login, world):
    menu = _menu(login(world.manager), reverse("workspace:home"))
    assert f'href="{reverse("accounts:site_edit", kwargs={"pk": world.site.pk})}"' in menu


def test_every_page_of_an_app_marks_its_entry(login, world):
    client = login(world.manager)
    menu = _menu(client, reverse("beneficiaries:create"))
    assert ENTRY.findall(menu)[7] == (reverse("beneficiaries:search"), ' aria-current="page"',
                                      "Dossiers")  # fmt: skip
    menu = _menu(client, reverse("referrals:inbox"))
    current = [label for _h, current, label in ENTRY.findall(menu) if current]
    assert current == ["Orientations"]


def test_the_badges_count_what_waits_and_the_moderation_for_admins(login, world):
    prepare(world, S.SUBMITTED)
    prepare(world, S.SUBMITTED)
    prepare(world, S.MODERATION_PENDING)
    manager_menu = _menu(login(world.manager), reverse("workspace:home"))
    assert (
        'Orientations <span class="nav-badge">2<span class="visually-hidden"> à traiter</span>'
        in manager_menu
    )
    assert "en attente" not in manager_menu
    admin_menu = _menu(login(world.admin), reverse("workspace:home"))
    assert (
        'Modération <span class="nav-badge">1<span class="visually-hidden"> en attente</span>'
        in admin_menu
    )


def test_a_visitor_gets_the_public_menu(client, db):
    menu = _menu(client, reverse("website:home"))
    assert [label for _h, _c, label in ENTRY.findall(menu)] == ["Accueil", "Trouver un espace"]
