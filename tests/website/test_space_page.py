"""The public page of a space: help button, what to bring, description, directions."""

import datetime
from decimal import Decimal

from tests.accounts.factories import ClosureFactory, OpeningHoursFactory, SiteFactory
from tisser.accounts.enums import ClosureReason, PlaceService
from tisser.accounts.models import default_what_to_bring
from tisser.website.plain_words import PLAIN_SERVICE_WORDS, plain_service


def page_of(client, path):
    response = client.get(path)
    assert response.status_code == 200
    # Apostrophes come escaped from user text and raw from translations: compare one way.
    return response.content.decode().replace("&#x27;", "'")


def test_the_help_button_opens_the_help_form_with_the_space_chosen(client, network):
    SiteFactory(network=network, name="Espace Autre", short_code="AUT")
    site = SiteFactory(network=network, name="Espace Neudorf", short_code="NEU")
    page = page_of(client, "/espaces/neu/")
    assert '<a class="button button-large" href="/demander-de-l-aide/?espace=neu">' in page
    assert "Demander de l'aide" in page

    form = page_of(client, "/demander-de-l-aide/?espace=neu")
    assert f'<option value="{site.pk}" selected>' in form


def test_the_help_form_ignores_an_unknown_or_closed_space(client, network):
    closed = SiteFactory(network=network, short_code="OLD", is_active=False)
    for code in ("old", "nope", "x" * 500):
        form = page_of(client, f"/demander-de-l-aide/?espace={code}")
        # The default choice stays: "the nearest space to my home".
        assert '<option value="" selected>' in form
        assert f'value="{closed.pk}"' not in form


def test_a_new_space_tells_what_to_bring_by_default(client, network):
    site = SiteFactory(network=network, short_code="NEU")
    assert site.what_to_bring == default_what_to_bring()
    page = page_of(client, "/espaces/neu/")
    assert "Ce qu'il faut apporter" in page
    assert "Votre pièce d'identité, votre téléphone portable" in page


def test_the_space_page_shows_its_own_description_and_what_to_bring(client, network):
    SiteFactory(
        network=network,
        short_code="NEU",
        description="Un espace au cœur du quartier.\n\nCafé offert le mardi.",
        what_to_bring="Votre carte Vitale.",
    )
    page = page_of(client, "/espaces/neu/")
    assert "<p>Un espace au cœur du quartier.</p>" in page
    assert "<p>Café offert le mardi.</p>" in page
    assert "<p>Votre carte Vitale.</p>" in page
    assert "Votre pièce d" not in page


def test_an_empty_what_to_bring_hides_the_section(client, network):
    SiteFactory(network=network, short_code="NEU", what_to_bring="")
    assert "Ce qu'il faut apporter" not in page_of(client, "/espaces/neu/")


def test_directions_are_plain_links_built_from_the_coordinates(client, network):
    SiteFactory(
        network=network,
        name="Espace Gare",
        short_code="GAR",
        latitude=Decimal("48.584600"),
        longitude=Decimal("7.735000"),
    )
    page = page_of(client, "/espaces/gar/")
    assert 'href="geo:48.584600,7.735000?q=48.584600,7.735000(Espace%20Gare)"' in page
    assert (
        'href="https://www.openstreetmap.org/?mlat=48.584600&amp;mlon=7.735000'
        '#map=18/48.584600/7.735000"'
    ) in page


def test_directions_fall_back_to_the_address_without_coordinates(client, network):
    SiteFactory(
        network=network,
        short_code="GAR",
        address="3 place de la Gare",
        postal_code="67000",
        city="Strasbourg",
    )
    page = page_of(client, "/espaces/gar/")
    assert 'href="geo:0,0?q=3%20place%20de%20la%20Gare%2C%2067000%20Strasbourg"' in page
    assert (
        'href="https://www.openstreetmap.org/search?query=3+place+de+la+Gare%2C+67000+Strasbourg"'
    ) in page


def test_services_are_said_in_plain_words_and_every_national_code_has_them(client, network):
    SiteFactory(network=network, short_code="NEU", services=list(PlaceService.values))
    page = page_of(client, "/espaces/neu/")
    assert "Apprendre à utiliser un téléphone, une tablette ou un ordinateur" in page
    assert "Acheter un ordinateur ou un téléphone à petit prix" in page
    # The national labels stay in the data (exports), not on the public page.
    assert "Maîtrise des outils numériques du quotidien" not in page
    assert page.count('<ul class="service-list">') == 1
    listed = page.split('<ul class="service-list">')[1].split("</ul>")[0]
    assert listed.count("<li>") == len(PlaceService.values)


def test_every_national_service_code_has_plain_words():
    assert set(PLAIN_SERVICE_WORDS) == set(PlaceService)
    assert plain_service("Un service inventé") == "Un service inventé"


def test_the_space_page_lists_coming_closures_and_public_holidays_on_opening_days(
    client, network, fake_clock, django_assert_max_num_queries
):
    fake_clock.set(datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC))
    site = SiteFactory(network=network, short_code="NEU", postal_code="67000")
    for weekday in range(5):  # Monday to Friday
        OpeningHoursFactory(site=site, weekday=weekday)
    ClosureFactory(
        site=site, starts_on=datetime.date(2026, 11, 20), ends_on=datetime.date(2026, 11, 27)
    )
    ClosureFactory(
        site=site,
        starts_on=datetime.date(2026, 12, 28),
        ends_on=datetime.date(2027, 1, 2),
        reason=ClosureReason.TRAINING,
    )
    ClosureFactory(starts_on=datetime.date(2026, 12, 7), ends_on=datetime.date(2026, 12, 7))
    # + 1: the solidarity offers the space sells (offers.selectors_public, decision 0040).
    # + 1: its coming public workshops, seats counted in the same query (decision 0054).
    with django_assert_max_num_queries(7):
        page = page_of(client, "/espaces/neu/")
    closures = page.split('<ul class="closures">')[1].split("</ul>")[0]
    items = [item.strip() for item in closures.split("<li>")[1:]]
    assert items == [
        # Christmas and, in Alsace, Saint Stephen's day fall on a Friday and a Saturday:
        # only the Friday, an opening day, is said.
        "Fermé le 25 décembre 2026 : Noël, jour férié.</li>",
        "Fermé du 28 décembre 2026 au 2 janvier 2027 : formation de l'équipe.</li>",
    ]


def test_no_closure_section_without_coming_closures(client, network, fake_clock):
    fake_clock.set(datetime.datetime(2026, 9, 1, 10, tzinfo=datetime.UTC))
    site = SiteFactory(network=network, short_code="NEU")
    OpeningHoursFactory(site=site, weekday=0)
    assert "Fermetures à venir" not in page_of(client, "/espaces/neu/")
