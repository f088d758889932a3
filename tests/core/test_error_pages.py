"""Error pages: French, in the site's layout, with a way back; never Django's own pages.

The test settings run with DEBUG off, as in production.
"""

import pytest
from allauth.core.ratelimit import respond_429
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from tests.conftest import make_member
from tisser.accounts.enums import Role

pytestmark = pytest.mark.urls("tests.core.error_urls")

LAYOUT = 'class="site-header"'
HOME = reverse("website:home")
STAFF_HOME = "/espace-pro/"
ENGLISH = ("Not Found", "Forbidden", "Server Error", "Bad Request", "Too Many", "Traceback")


def assert_french_error_page(response, status, heading):
    html = response.content.decode()
    assert response.status_code == status
    assert f"Erreur {status}" in html
    assert f"<h1>{heading}</h1>" in html
    assert LAYOUT in html and 'lang="fr"' in html
    assert f'href="{HOME}"' in html
    for english in ENGLISH:
        assert english not in html
    return html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/essai/400/", 400, "La demande n&#x27;a pas pu être comprise"),
        ("/essai/403/", 403, "Accès refusé"),
        ("/cette-page-nexiste-pas/", 404, "Page introuvable"),
        ("/espace-pro/dossiers/99999999999999999999/", 404, "Page introuvable"),
    ],
)
def test_each_error_is_a_french_page_in_the_layout_with_a_way_home(client, path, status, heading):
    html = assert_french_error_page(client.get(path), status, heading)
    # Not signed in: no link to the staff home, no previous page to go back to.
    assert "Aller à mon espace pro" not in html
    assert "Revenir à la page précédente" not in html


@pytest.mark.django_db
def test_a_signed_in_member_is_offered_their_staff_home(client, login, site):
    login(make_member(site, Role.MEDIATOR))
    html = assert_french_error_page(client.get("/nexiste-pas/"), 404, "Page introuvable")
    assert f'href="{STAFF_HOME}"' in html and "Aller à mon espace pro" in html


@pytest.mark.django_db
def test_a_role_refused_by_the_app_gets_the_french_403(client, login, site):
    login(make_member(site, Role.VOLUNTEER))
    # A volunteer may not manage the team (core/access.py raises PermissionDenied).
    response = client.get(reverse("accounts:member_list"))
    assert_french_error_page(response, 403, "Accès refusé")


@pytest.mark.django_db
def test_the_previous_page_is_offered_only_when_it_is_ours(client):
    ours = client.get("/nexiste-pas/", HTTP_REFERER="http://testserver/trouver-un-espace/")
    assert 'href="http://testserver/trouver-un-espace/"' in ours.content.decode()
    assert "Revenir à la page précédente" in ours.content.decode()
    elsewhere = client.get("/nexiste-pas/", HTTP_REFERER="https://evil.example/piege/")
    assert "evil.example" not in elsewhere.content.decode()
    assert "Revenir à la page précédente" not in elsewhere.content.decode()


@pytest.mark.django_db
def test_a_refused_csrf_token_is_a_french_403_and_nothing_happens():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a@b.fr", "password": "x"})
    html = assert_french_error_page(response, 403, "La page a expiré")
    assert "Rien n&#x27;a été enregistré" in html


@pytest.mark.django_db
def test_allauth_rate_limit_answers_the_french_429(rf):
    request = rf.get("/compte/connexion/")
    request.user = AnonymousUser()
    response = respond_429(request)
    html = response.content.decode()
    assert response.status_code == 429
    assert "<h1>Trop de tentatives</h1>" in html and LAYOUT in html


def _failing_context_processor(request):
    raise RuntimeError("a context processor that needs the database")


def test_the_500_page_needs_neither_database_nor_context_processors(settings):
    """No django_db mark: any query would fail. The context processors fail too."""
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [f"{__name__}._failing_context_processor"],
            },
        }
    ]
    client = Client(raise_request_exception=False)
    response = client.get("/essai/500/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Un problème est survenu de notre côté</h1>" in html
    assert LAYOUT in html and 'lang="fr"' in html
    assert f'href="{HOME}"' in html and f'href="{STAFF_HOME}"' in html
    assert "Server Error" not in html and "Traceback" not in html


def test_the_500_page_answers_even_when_templates_are_broken(settings, rf):
    from tisser.core import error_pages

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False}]
    response = error_pages.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Un problème est survenu de notre côté" in response.content.decode()
