import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.accounts.factories import SiteFactory
from tests.helpers import site_in
from tisser.beneficiaries.enums import CURRENT_NOTICE_VERSION, ContactChannel
from tisser.core.models import JournalEntry
from tisser.notifications import sms
from tisser.notifications.models import Notification
from tisser.referrals.enums import ReferralSource, ReferralStatus
from tisser.referrals.models import Referral, ReferralEvent
from tisser.website import help_request

URL = reverse("website:help_request")
DONE = reverse("website:help_request_done")


@pytest.fixture
def strasbourg(network):
    return site_in("strasbourg", network=network, name="Espace Gare", short_code="GARE")


@pytest.fixture
def paris(network):
    return site_in("paris", network=network, name="Espace Belleville", short_code="BELLE")


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def form_data(**overrides):
    data = {
        "first_name": "Fatou",
        "phone": "06 12 34 56 78",
        "email": "",
        "postal_code": "68000",
        "needs": ["equipment", "online_procedures"],
        "site": "",
        "consent": "on",
        "site_web": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_is_public_and_linked_from_the_home_page_and_the_directory(client, db):
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<h1>Demander de l&#x27;aide</h1>" in text or "<h1>Demander de l'aide</h1>" in text
    assert 'href="/donnees-personnelles/"' in text
    assert "Ce que nous faisons de vos informations" in text
    for other in ("/", "/espaces/"):
        assert f'href="{URL}"' in client.get(other).content.decode()


def test_every_field_has_a_label_and_the_honeypot_is_hidden_from_people(client, db):
    text = client.get(URL).content.decode()
    for name in ("first_name", "phone", "email", "postal_code", "site", "consent", "site_web"):
        assert re.search(rf'<label for="id_{name}"', text), name
    assert "<legend>De quoi avez-vous besoin ?</legend>" in text
    trap = re.search(r'<div class="form-trap" aria-hidden="true">(.*?)</div>', text, re.S).group(1)
    assert 'tabindex="-1"' in trap
    assert 'autocomplete="off"' in trap
    assert 'name="site_web"' in trap
    assert "style=" not in text  # no inline styles (strict CSP)


def test_a_request_becomes_a_referral_in_moderation_at_the_nearest_space(
    client, strasbourg, paris, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data())
    assert response.status_code == 302
    assert response["Location"] == f"{DONE}?espace=gare"

    referral = Referral.objects.get()
    assert referral.site == strasbourg  # Colmar's nearest space
    assert referral.source == ReferralSource.PUBLIC_REQUEST
    assert referral.status == ReferralStatus.MODERATION_PENDING
    assert referral.partner is None and referral.referrer is None
    assert referral.first_name == "Fatou" and referral.last_name == ""
    assert referral.phone == "+33612345678"
    assert referral.preferred_channel == ContactChannel.SMS
    assert referral.postal_code == "68000"
    assert referral.needs == ["equipment", "online_procedures"]
    assert referral.notice_version == CURRENT_NOTICE_VERSION
    event = ReferralEvent.objects.get(referral=referral)
    assert (event.from_status, event.to_status, event.actor) == (
        "draft",
        "moderation_pending",
        None,
    )
    actions = set(
        JournalEntry.objects.filter(object_id=str(referral.pk)).values_list("action", flat=True)
    )
    assert {"referral.created", "referral.submitted"} <= actions

    notification = Notification.objects.about("referrals.referral", [referral.pk]).get()
    assert notification.template == "help_request_received_person"
    assert notification.event_key == f"referral:{referral.pk}:help_request_received:person"
    assert notification.recipient_kind == "person"
    assert [message.to for message in sms.outbox] == ["+33612345678"]

    done = client.get(response["Location"]).content.decode()
    assert "Merci, votre demande est envoyée" in done
    assert "Espace Gare" in done


def test_the_person_may_choose_the_space(client, strasbourg, paris):
    client.post(URL, form_data(site=str(paris.pk)))
    assert Referral.objects.get().site == paris


def test_an_email_is_enough(client, strasbourg):
    response = client.post(URL, form_data(phone="", email="Fatou@Exemple.fr"))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.email == "fatou@exemple.fr"
    assert referral.preferred_channel == ContactChannel.EMAIL


def test_a_landline_means_the_space_calls(client, strasbourg):
    client.post(URL, form_data(phone="03 88 12 34 56"))
    assert Referral.objects.get().preferred_channel == ContactChannel.CALL


def test_corsica_is_handled(client, network, strasbourg):
    ajaccio = SiteFactory(
        network=network,
        short_code="AJA",
        postal_code="20000",
        city="Ajaccio",
        latitude=Decimal("41.92"),
        longitude=Decimal("8.74"),
    )
    client.post(URL, form_data(postal_code="20000"))
    assert Referral.objects.get().site == ajaccio


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Ce champ est obligatoire."),
        (
            {"phone": "", "email": ""},
            "phone",
            "Indiquez un numéro de téléphone ou une adresse e-mail, pour que l&#x27;espace "
            "puisse vous recontacter.",
        ),
        ({"phone": "12 34"}, "phone", "Ce numéro de téléphone n&#x27;est pas valide."),
        (
            {"email": "pas-un-mail", "phone": ""},
            "email",
            "Cette adresse e-mail n&#x27;est pas valide.",
        ),
        ({"postal_code": "6800"}, "postal_code", "Le code postal doit comporter 5 chiffres"),
        (
            {"postal_code": "98000"},
            "postal_code",
            "Nous ne trouvons pas d&#x27;espace pour ce code postal.",
        ),
        (
            {"consent": None},
            "consent",
            "Cochez cette case pour que nous puissions vous recontacter.",
        ),
        ({"needs": ["voiture"]}, "needs", "Sélectionnez un choix valide."),
        (
            {"first_name": "185057800608436"},
            "first_name",
            "Ce texte semble contenir un numéro de sécurité sociale.",
        ),
    ],
)
def test_bad_input_gets_a_clear_french_message_and_creates_nothing(
    client, strasbourg, overrides, field, message
):
    response = client.post(URL, form_data(**overrides))
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    assert f'id="id_{field}_error"' in text or f"id_{field}_" in text
    assert not Referral.objects.exists()
    assert not Notification.objects.exists()


def test_needs_may_be_left_empty(client, strasbourg):
    assert client.post(URL, form_data(needs=None)).status_code == 302
    assert Referral.objects.get().needs == []


def test_without_any_open_space_the_form_says_so(client, network):
    response = client.post(URL, form_data())
    assert response.status_code == 400
    assert "Nous ne trouvons pas d&#x27;espace pour ce code postal." in response.content.decode()
    assert not Referral.objects.exists()


def test_the_honeypot_pretends_success_and_creates_nothing(client, strasbourg):
    response = client.post(URL, form_data(site_web="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == DONE
    assert not Referral.objects.exists()
    assert not Notification.objects.exists()
    assert not JournalEntry.objects.exists()
    assert "Merci, votre demande est envoyée" in client.get(DONE).content.decode()


def test_five_requests_an_hour_per_address_then_a_clear_message(client, strasbourg):
    for n in range(help_request.RATE_LIMIT):
        response = client.post(URL, form_data(first_name=f"Personne{n}"))
        assert response.status_code == 302
    assert Referral.objects.count() == 5
    response = client.post(URL, form_data(first_name="Sixième"))
    assert response.status_code == 429
    assert (
        "Vous avez déjà envoyé plusieurs demandes depuis cette connexion. Pour éviter les abus, "
        "attendez une heure avant d&#x27;en envoyer une autre" in response.content.decode()
    )
    assert Referral.objects.count() == 5
    # Another address is not affected.
    other = client.post(URL, form_data(first_name="Voisin"), REMOTE_ADDR="192.0.2.44")
    assert other.status_code == 302
    assert Referral.objects.count() == 6


def test_mistakes_do_not_count_against_the_rate_limit(client, strasbourg):
    for _ in range(8):
        assert client.post(URL, form_data(phone="12")).status_code == 400
    assert client.post(URL, form_data()).status_code == 302


def test_robots_count_against_the_rate_limit(client, strasbourg):
    for _ in range(help_request.RATE_LIMIT):
        client.post(URL, form_data(site_web="spam"))
    assert client.post(URL, form_data()).status_code == 429
    assert not Referral.objects.exists()


def test_the_rate_limit_window_ends_after_an_hour(client, strasbourg):
    from django.core.cache import cache

    for _ in range(help_request.RATE_LIMIT):
        client.post(URL, form_data(site_web="spam"))
    cache.delete(help_request._rate_key("127.0.0.1"))  # what the cache does after an hour
    assert client.post(URL, form_data()).status_code == 302


def test_the_ip_address_is_not_stored_in_clear(strasbourg):
    key = help_request._rate_key("203.0.113.9")
    assert "203.0.113.9" not in key


def test_the_thank_you_page_ignores_unknown_spaces(client, db):
    response = client.get(DONE + "?espace=nope")
    assert response.status_code == 200
    assert "Un espace près de chez vous va vous recontacter" in response.content.decode()
