"""Issue 9 (part C) in Chromium on a 360×740 phone: a visitor finds the nearest space by
postal code, opens its page and asks for help there; axe-core finds no serious or critical
violation on the directory (search, choices, unknown place) and the space page."""

import pytest

from tests.e2e.screen import assert_fits
from tisser.accounts import demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def demo_network():
    """The twelve spaces of the press release, as `make run` writes them."""
    demo.seed_demo_network()


def fits_the_phone(page):
    assert_fits(page, PHONE["width"])


def test_a_visitor_on_a_phone_finds_the_nearest_space_by_postal_code(
    new_page, demo_network, assert_accessible
):
    page = new_page(**PHONE)
    page.goto("/espaces/")
    assert_accessible(page)
    page.get_by_label("Code postal ou commune").fill("75018")
    page.get_by_role("button", name="Chercher").click()

    page.wait_for_url("**/espaces/?q=75018")
    cards = page.locator(".site-cards > li h2")
    # Montmartre: the Flandre space (19e) before Belleville (20e), then the rest of France.
    assert cards.nth(0).inner_text() == "Espace Paris Flandre"
    assert cards.nth(1).inner_text() == demo.PARIS_BELLEVILLE_SITE
    assert page.get_by_text("du plus proche au plus loin de Paris 18e Arrondissement").is_visible()
    assert page.locator(".site-cards .distance").first.inner_text() == "À environ 2 km"
    fits_the_phone(page)
    assert_accessible(page)

    cards.nth(0).get_by_role("link").click()
    page.wait_for_url("**/espaces/parfla/")
    assert page.get_by_role("heading", level=1).inner_text() == "Espace Paris Flandre"
    assert page.get_by_role("link", name="Ouvrir dans l'application de cartes du téléphone")
    assert page.get_by_role("heading", name="Ce qu'il faut apporter").is_visible()
    fits_the_phone(page)
    assert_accessible(page)

    page.get_by_role("link", name="Demander de l'aide").click()
    page.wait_for_url("**/demander-de-l-aide/?espace=parfla")
    chosen = page.get_by_label("Dans quel espace voulez-vous aller ?")
    assert "Espace Paris Flandre" in chosen.locator("option:checked").inner_text()
    assert not page.watcher.problems, page.watcher.problems


@pytest.mark.parametrize(
    ("query", "visible"),
    [
        ("Saint-Denis", "Plusieurs communes portent ce nom. Laquelle ?"),
        ("99999", "Nous ne trouvons pas « 99999 »"),
    ],
)
def test_choices_and_unknown_places_pass_axe_on_a_phone(
    new_page, demo_network, assert_accessible, query, visible
):
    page = new_page(**PHONE)
    page.goto("/espaces/")
    page.get_by_label("Code postal ou commune").fill(query)
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_load_state()
    assert page.get_by_text(visible).is_visible()
    fits_the_phone(page)
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems
