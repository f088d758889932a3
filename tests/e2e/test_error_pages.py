"""The error pages in Chromium on a 360 px phone: axe-core finds no serious or critical
violation, nothing scrolls sideways, the CSP refuses nothing, and the way back works."""

import pytest
from django.urls import reverse

from tests.e2e.screen import assert_fits

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.core.error_urls"),
]

PHONE_WIDTH = 360


def check(page, assert_accessible, heading: str) -> None:
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert_fits(page, PHONE_WIDTH)
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/essai/400/", 400, "La demande n'a pas pu être comprise"),
        ("/essai/403/", 403, "Accès refusé"),
        ("/une-page-qui-nexiste-pas/", 404, "Page introuvable"),
        ("/essai/429/", 429, "Trop de tentatives"),
        ("/essai/500/", 500, "Un problème est survenu de notre côté"),
    ],
)
def test_each_error_page_passes_axe_on_a_phone_and_leads_home(
    new_page, assert_accessible, path, status, heading
):
    page = new_page(width=PHONE_WIDTH, height=740)
    response = page.goto(path)
    assert response.status == status
    check(page, assert_accessible, heading)
    page.get_by_role("link", name="Aller à l'accueil du site").click()
    page.wait_for_url(f"**{reverse('website:home')}")


def test_an_expired_form_gives_the_french_403_and_the_way_back(new_page, assert_accessible):
    page = new_page(width=PHONE_WIDTH, height=740)
    page.goto(reverse("account_login"))
    page.context.clear_cookies()  # the CSRF cookie is gone, as after a long wait
    page.locator("#id_login").fill("personne@demo.tisser.fr")
    page.locator("#id_password").fill("un mot de passe")
    page.locator("form").filter(has=page.locator("#id_login")).locator(
        "button[type=submit]"
    ).first.click()
    page.wait_for_load_state()
    check(page, assert_accessible, "La page a expiré")
    page.get_by_role("link", name="Revenir à la page précédente").click()
    page.wait_for_url(f"**{reverse('account_login')}")
