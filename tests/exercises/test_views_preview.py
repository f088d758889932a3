"""The staff preview: who may open it, each item in a phone frame, answering saves nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from tisser.accounts.enums import Role
from tisser.exercises.content import catalogue
from tisser.exercises.models import Answer, ItemVersion
from tisser.exercises.selectors import item_list

pytestmark = pytest.mark.django_db

LIST = "/espace-pro/exercices/"


@pytest.mark.parametrize(
    "role", [Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER]
)
def test_site_teams_and_network_admins_open_the_list(login, member_factory, site, network, role):
    organisation = network if role == Role.NETWORK_ADMIN else site
    response = login(member_factory(organisation, role)).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    # The first page shows the first items by level, type and id (the diagnostic's too).
    assert escape(item_list()[0].instruction) in html
    assert 'class="table-cards"' in html


@pytest.mark.parametrize("role", [Role.PARTNER_REFERRER, Role.FUNDER_VIEWER])
def test_partners_and_funders_are_refused(login, member_factory, partner, funder, role):
    organisation = partner if role == Role.PARTNER_REFERRER else funder
    client = login(member_factory(organisation, role))
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}zone-appli-messages/").status_code == 403


def test_anonymous_visitor_goes_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/compte/" in response["Location"]


def test_filter_by_type_and_level(login, mediator):
    client = login(mediator)
    html = client.get(LIST, {"type": "pointer"}).content.decode()
    assert "Touchez le rond une fois." in html
    assert "Quel bouton envoie le message ?" not in html
    html = client.get(LIST, {"level": "2"}).content.decode()
    assert "Créez votre compte sur le site." in html
    assert "Touchez le rond une fois." not in html


def test_unknown_item_is_a_404(login, mediator):
    assert login(mediator).get(f"{LIST}nexiste-pas/").status_code == 404


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_item_shows_in_a_phone_frame_with_listen(login, mediator, key):
    response = login(mediator).get(f"{LIST}{key}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="phone-frame"' in html
    assert "ne sont pas enregistrées" in html
    assert 'data-listen="consigne"' in html
    assert "Pas de voix française sur cet appareil" in html


def test_answering_in_the_preview_scores_and_saves_nothing(login, mediator):
    client = login(mediator)
    response = client.post(f"{LIST}zone-appli-messages/", {"attempt": "k1", "zone": "messages"})
    assert "Bravo, c'est juste !" in response.content.decode()
    response = client.post(f"{LIST}zone-appli-messages/", {"attempt": "k2", "x": "50", "y": "230"})
    html = response.content.decode()
    assert "Ce n'est pas encore ça." in html
    assert "Messages (bulle bleue)" in html
    assert not Answer.objects.exists()
    assert not ItemVersion.objects.exists()


def test_order_moves_without_javascript_then_answer(login, mediator):
    client = login(mediator)
    url = f"{LIST}ordre-envoyer-photo/"
    shown = ["photo", "envoyer", "ouvrir", "contact"]
    response = client.post(url, {"attempt": "a", "order": shown, "move": "ouvrir:up"})
    html = response.content.decode()
    assert "Bravo" not in html and "pas encore" not in html
    # "ouvrir" moved one place up: photo, ouvrir, envoyer, contact.
    positions = [
        html.index(f'value="{step}:up"') for step in ["photo", "ouvrir", "envoyer", "contact"]
    ]
    assert positions == sorted(positions)


def test_form_item_shows_the_sites_validation_messages(login, mediator):
    response = login(mediator).post(
        f"{LIST}formulaire-compte-caf/",
        {
            "attempt": "f",
            "f_nom": "martin",
            "f_prenom": "Elise",
            "f_code_postal": "6700",
            "f_telephone": "06 12 34 56 78",
            "f_situation": "Demandeur d'emploi",
        },
    )
    html = response.content.decode()
    assert "Le code postal doit avoir 5 chiffres : 67000." in html
    assert 'aria-invalid="true"' in html
    assert html.count('aria-invalid="true"') == 1


def test_unanswered_post_asks_for_an_answer(login, mediator):
    response = login(mediator).post(f"{LIST}choix-bouton-envoyer/", {"attempt": "x"})
    assert "Répondez avant de valider" in response.content.decode()


@pytest.mark.parametrize("page", ["1", "2"])
def test_list_queries_do_not_grow_with_items(login, mediator, page, settings, tmp_path):
    client = login(mediator)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"type": "yes_no"})
    with CaptureQueriesContext(connection) as many:
        client.get(LIST, {"page": page})
    assert len(many) == len(few)
