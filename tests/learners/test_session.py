"""How long a learner stays signed in, and what ends it: revocation, expiry, idleness,
the end of the day on the space's shared computer."""

import datetime

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from tests.learners.factories import LearnerCardFactory
from tisser.core import clock
from tisser.learners import services, session

pytestmark = pytest.mark.django_db
HOME = "/apprendre/accueil/"


@pytest.fixture
def card_now(person, fake_clock):
    return LearnerCardFactory(beneficiary=person)


def sign_in(client, card):
    assert client.post("/apprendre/", {"code": card.code}).status_code == 302
    return client


def test_revoking_the_card_ends_a_live_session_at_the_next_request(client, card, mediator):
    sign_in(client, card)
    assert client.get(HOME).status_code == 200
    services.card_revoke(actor=mediator, card=card)
    assert client.get(HOME).status_code == 404
    assert session.CARD_KEY not in client.session  # the session itself is gone
    # Issuing a new card ends the old one's sessions too.
    new_card = services.card_issue(actor=mediator, beneficiary=card.beneficiary)
    sign_in(client, new_card)
    services.card_issue(actor=mediator, beneficiary=card.beneficiary)
    assert client.get(HOME).status_code == 404


def test_a_card_that_expires_while_signed_in_ends_the_session(client, card_now, fake_clock):
    sign_in(client, card_now)
    card_now.expires_at = clock.now() + datetime.timedelta(hours=1)
    card_now.save(update_fields=["expires_at"])
    fake_clock.advance(minutes=59)
    assert client.get(HOME).status_code == 200
    fake_clock.advance(minutes=2)
    assert client.get(HOME).status_code == 404


def test_a_personal_phone_stays_in_for_30_days_without_use(client, card_now, fake_clock):
    sign_in(client, card_now)
    fake_clock.advance(days=29, hours=23)
    assert client.get(HOME).status_code == 200
    fake_clock.advance(days=30, minutes=1)
    assert client.get(HOME).status_code == 404


def test_the_session_cookie_lives_as_long_as_the_idle_limit(client, card_now):
    response = client.post("/apprendre/", {"code": card_now.code})
    cookie = response.cookies["sessionid"]
    assert int(cookie["max-age"]) == session.PERSONAL_IDLE_SECONDS


def test_a_personal_phone_signs_in_again_after_90_days_even_when_used(client, card_now, fake_clock):
    sign_in(client, card_now)
    for _ in range(9):
        fake_clock.advance(days=10)
        assert client.get(HOME).status_code == 200
    fake_clock.advance(days=1)
    assert client.get(HOME).status_code == 404


def _mark_shared(client, site):
    response = HttpResponse()
    session.mark_shared_device(response, site.pk)
    client.cookies[session.SHARED_DEVICE_COOKIE] = response.cookies[
        session.SHARED_DEVICE_COOKIE
    ].value


def test_the_spaces_shared_computer_signs_out_at_midnight(client, card_now, site, fake_clock):
    # 2026-03-02 10:00 UTC is 11:00 in Paris.
    _mark_shared(client, site)
    page = client.get("/apprendre/").content.decode()
    assert "Cet ordinateur est celui de l'espace" in page
    response = client.post("/apprendre/", {"code": card_now.code})
    assert response.cookies["sessionid"]["max-age"] == ""  # ends with the browser
    fake_clock.set(datetime.datetime(2026, 3, 2, 22, 59, tzinfo=datetime.UTC))  # 23:59 Paris
    assert client.get(HOME).status_code == 200
    fake_clock.set(datetime.datetime(2026, 3, 2, 23, 0, tzinfo=datetime.UTC))  # midnight
    assert client.get(HOME).status_code == 404


def test_a_forged_shared_device_cookie_is_ignored(client):
    client.cookies[session.SHARED_DEVICE_COOKIE] = "12"
    request = RequestFactory().get("/")
    request.COOKIES[session.SHARED_DEVICE_COOKIE] = "12"
    assert session.shared_device_site_id(request) is None


def test_end_of_day_is_paris_midnight_in_summer_and_winter():
    winter = int(datetime.datetime(2026, 1, 15, 22, 30, tzinfo=datetime.UTC).timestamp())
    summer = int(datetime.datetime(2026, 7, 15, 21, 30, tzinfo=datetime.UTC).timestamp())
    assert session.end_of_day(winter) == int(
        datetime.datetime(2026, 1, 15, 23, 0, tzinfo=datetime.UTC).timestamp()
    )
    assert session.end_of_day(summer) == int(
        datetime.datetime(2026, 7, 15, 22, 0, tzinfo=datetime.UTC).timestamp()
    )


def test_a_file_merged_into_another_ends_the_session(client, card, person, site):
    from tests.beneficiaries.factories import BeneficiaryFactory

    sign_in(client, card)
    person.merged_into = BeneficiaryFactory(site=site)
    person.save(update_fields=["merged_into"])
    assert client.get(HOME).status_code == 404


def test_a_tampered_session_is_no_learner(client, card):
    sign_in(client, card)
    stored = client.session
    stored[session.STARTED_KEY] = "yesterday"
    stored.save()
    assert client.get(HOME).status_code == 404
