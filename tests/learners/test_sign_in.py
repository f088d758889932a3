"""Signing in with the card: by code, by the QR link, signing out, and the same refusal
whatever is wrong with a code (no oracle)."""

import datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.learners.factories import LearnerCardFactory
from tisser.core import clock
from tisser.core.models import JournalEntry
from tisser.learners import limits, services, session

pytestmark = pytest.mark.django_db
HOME = "/apprendre/accueil/"


def test_the_code_page_has_one_big_field_and_a_device_cookie(client):
    response = client.get("/apprendre/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('type="text"') == 2  # the code, and the hidden trap for robots
    assert "Entrer" in html and "Votre code" in html
    assert 'autocomplete="off"' in html
    assert limits.DEVICE_COOKIE in response.cookies
    # The learner's light layout: no staff navigation, its own CSS.
    assert "learners/learner.css" in html and "tisser/tisser.css" not in html
    assert "Espace professionnel" not in html


def test_the_right_code_signs_in_and_greets_by_first_name(client, card):
    response = client.post("/apprendre/", {"code": card.code})
    assert response.status_code == 302 and response["Location"] == HOME
    home = client.get(HOME)
    assert home.status_code == 200
    html = home.content.decode()
    assert "Bonjour Aïcha !" in html
    assert reverse("learners:sign_out") in html and "Sortir" in html
    assert home["Cache-Control"] == "no-store"
    entry = JournalEntry.objects.get(action="learner.signed_in")
    assert entry.payload == {"method": "code", "device": "personal"}
    assert entry.object_id == str(card.pk) and entry.actor is None
    card.refresh_from_db()
    assert card.last_used_at is not None


def test_the_code_may_be_typed_in_small_letters_with_a_space(client, card):
    typed = f"{card.code[:4].lower()} {card.code[4:].lower()}"
    assert client.post("/apprendre/", {"code": typed})["Location"] == HOME


def test_a_signed_in_learner_opening_the_code_page_goes_home(learner_client):
    assert learner_client.get("/apprendre/")["Location"] == HOME


def _refusal(client, code) -> tuple[int, str]:
    response = client.post("/apprendre/", {"code": code})
    html = response.content.decode()
    return response.status_code, html


def test_unknown_revoked_and_expired_codes_get_one_and_the_same_answer(client, person, mediator):
    revoked = LearnerCardFactory(revoked_at=clock.now())
    expired_at = clock.now() - datetime.timedelta(days=1)
    expired = LearnerCardFactory(
        issued_at=expired_at - datetime.timedelta(days=365), expires_at=expired_at
    )
    unknown = "ZZZZ2222" if LearnerCardFactory.build().code != "ZZZZ2222" else "YYYY3333"
    answers = [_refusal(client, code) for code in (unknown, revoked.code, expired.code)]
    message = str(services.WRONG_CODE)
    for status, html in answers:
        assert status == 400
        assert message.replace("'", "&#x27;") in html
    # Apart from the code typed back into the field, the three pages are the same.
    pages = [
        html.replace(code, "").replace(code.lower(), "")
        for (_, html), code in zip(answers, (unknown, revoked.code, expired.code), strict=True)
    ]
    strip = [p.split('name="csrfmiddlewaretoken"')[0] for p in pages]
    assert strip[0] == strip[1] == strip[2]
    assert client.get(HOME).status_code == 404
    assert not JournalEntry.objects.filter(action="learner.signed_in").exists()


def test_a_malformed_code_says_what_a_code_looks_like(client):
    status, html = _refusal(client, "ABC0")
    assert status == 400
    assert "Le code a 8 signes" in html
    assert 'aria-invalid="true"' in html


def test_a_robot_filling_the_trap_is_refused_like_a_wrong_code(client, card):
    response = client.post("/apprendre/", {"code": card.code, "site_web": "http://spam"})
    assert response.status_code == 400
    assert client.get(HOME).status_code == 404


def test_the_qr_link_signs_in_only_after_a_tap(client, card):
    link = f"/apprendre/carte/{card.token}/"
    preview = client.get(link)
    assert preview.status_code == 200
    assert "Entrer" in preview.content.decode()
    assert "Aïcha" not in preview.content.decode()  # nothing personal for a link preview
    assert client.get(HOME).status_code == 404  # reading the link signed nobody in
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    entry = JournalEntry.objects.get(action="learner.signed_in")
    assert entry.payload["method"] == "qr"


@pytest.mark.parametrize("token", ["x" * 43, "x" * 200])
def test_a_wrong_link_is_a_404_with_a_way_forward(client, token):
    response = client.post(f"/apprendre/carte/{token}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Ce lien ne marche pas" in html
    assert reverse("learners:sign_in") in html


def test_a_revoked_card_link_no_longer_works(client, card):
    card.revoked_at = clock.now()
    card.save(update_fields=["revoked_at"])
    assert client.post(f"/apprendre/carte/{card.token}/").status_code == 404


def test_sign_out_asks_then_forgets_the_learner(learner_client):
    page = learner_client.get("/apprendre/sortir/")
    assert page.status_code == 200
    assert "Oui, sortir" in page.content.decode()
    assert learner_client.get(HOME).status_code == 200  # asking did not sign out
    response = learner_client.post("/apprendre/sortir/", follow=True)
    assert response.redirect_chain == [("/apprendre/", 302)]
    assert "Vous êtes sorti" in response.content.decode()
    assert learner_client.get(HOME).status_code == 404


def test_sign_out_without_a_learner_goes_to_the_code_page(client):
    assert client.get("/apprendre/sortir/")["Location"] == "/apprendre/"
    assert client.post("/apprendre/sortir/")["Location"] == "/apprendre/"


def test_signing_in_gives_a_new_session_key(client, card):
    client.get("/apprendre/")
    client.session.save()
    before = client.session.session_key
    client.post("/apprendre/", {"code": card.code})
    assert client.session.session_key != before


def test_a_staff_member_signed_in_on_the_browser_is_signed_out_by_a_learner(
    client, login, mediator, card
):
    login(mediator)
    assert client.get("/espace-pro/").status_code == 200
    client.post("/apprendre/", {"code": card.code})
    assert client.get(HOME).status_code == 200
    assert client.get("/espace-pro/").status_code == 404


def test_the_learner_home_is_a_404_for_anyone_else(client, login, mediator):
    assert client.get(HOME).status_code == 404
    login(mediator)
    assert client.get(HOME).status_code == 404


def test_a_learner_gets_404_on_staff_pages_and_the_public_site_still_opens(learner_client):
    for path in ("/espace-pro/", "/espace-pro/dossiers/", "/admin/", "/espace-pro/journal/"):
        assert learner_client.get(path).status_code == 404, path
    assert learner_client.get("/").status_code == 200


def test_the_home_lists_the_sections_of_every_app(learner_client):
    apps = [*settings.INSTALLED_APPS, "tests.learners.sections_plugin"]
    assert "S&#x27;entraîner au clavier" not in learner_client.get(HOME).content.decode()
    with override_settings(INSTALLED_APPS=apps):
        html = learner_client.get(HOME).content.decode()
    assert "Il n'y a rien à faire ici" not in html
    first = html.index("S&#x27;entraîner au clavier")
    assert first < html.index("Bientôt")  # by order
    assert "Pour Aïcha : quelques minutes par jour." in html
    assert 'href="/apprendre/exercices/"' in html and "2 nouveaux" in html


def test_the_home_says_so_when_there_is_nothing_to_do_yet(learner_client, monkeypatch):
    from tisser.core import learner_home

    # No app offers anything (the exercises app always offers its practice).
    monkeypatch.setattr(learner_home, "providers", lambda: ())
    html = learner_client.get(HOME).content.decode()
    assert "Il n'y a rien à faire ici pour l'instant" in html


def test_request_learner_costs_no_query_for_a_browser_without_a_learner(
    client, django_assert_num_queries
):
    from django.test import RequestFactory

    from tisser.learners.middleware import LearnerMiddleware

    seen = {}

    def view(request):
        seen["learner"] = request.learner
        return None

    request = RequestFactory().get("/")
    request.session = client.session
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        LearnerMiddleware(view)(request)
    assert seen["learner"] is None


def test_request_learner_is_read_once_per_request(client, card, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from tisser.learners.middleware import LearnerMiddleware

    client.post("/apprendre/", {"code": card.code})
    request = RequestFactory().get(HOME)
    request.session = client.session
    assert session.CARD_KEY in request.session  # the session itself is loaded: not counted
    request.user = AnonymousUser()
    found = []

    def view(request):
        found.extend([request.learner, request.learner, request.learner])

    with django_assert_num_queries(1):
        LearnerMiddleware(view)(request)
    assert found == [card.beneficiary] * 3


def test_the_learner_home_costs_a_fixed_number_of_queries(
    learner_client, card, django_assert_num_queries
):
    # The session, the card with its file and space; and the request's savepoint (opened and
    # released: ATOMIC_REQUESTS inside the test's transaction), and one per section provider
    # (the exercises' practice: how far the learner got; the diagnostic: in progress or
    # finished; the modules: how many under way; training: an open survey to answer).
    # Nothing else, however long the file's history or the number of cards the person had
    # before.
    with django_assert_num_queries(8):
        assert learner_client.get(HOME).status_code == 200
    for _ in range(5):
        LearnerCardFactory(beneficiary=card.beneficiary, revoked_at=clock.now())
    with django_assert_num_queries(8):
        assert learner_client.get(HOME).status_code == 200


def test_the_code_page_costs_no_query_for_a_visitor(client, django_assert_num_queries):
    # Only the request's savepoint (ATOMIC_REQUESTS): no session, no card is read.
    with django_assert_num_queries(2) as queries:
        assert client.get("/apprendre/").status_code == 200
    assert all("SAVEPOINT" in query["sql"] for query in queries.captured_queries)


def test_the_helper_for_other_apps_signs_a_learner_in(client, person):
    from tests.learners.helpers import sign_in_learner

    card = sign_in_learner(client, person)
    assert card.beneficiary == person
    assert "Bonjour Aïcha !" in client.get(HOME).content.decode()
