import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import SiteFactory
from tests.core.fake_clock import START
from tests.helpers import site_in
from tisser.accounts.enums import Role
from tisser.beneficiaries.enums import CURRENT_NOTICE_VERSION, ContactChannel
from tisser.core.models import JournalEntry
from tisser.notifications import caps, sms
from tisser.notifications.models import DeliveryStatus, Notification
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


def mobile(n: int) -> str:
    return f"06 12 34 56 {n:02d}"


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


def test_a_request_lands_in_the_nearest_spaces_inbox_with_a_reply_day(
    client, strasbourg, paris, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data())
    assert response.status_code == 302
    assert response["Location"] == f"{DONE}?espace=gare"

    referral = Referral.objects.get()
    assert referral.site == strasbourg  # Colmar's nearest space
    assert referral.source == ReferralSource.PUBLIC_REQUEST
    assert referral.status == ReferralStatus.SUBMITTED
    assert (
        referral.reply_due_on is not None and referral.reply_due_on > referral.submitted_at.date()
    )
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
        "submitted",
        None,
    )
    actions = set(
        JournalEntry.objects.filter(object_id=str(referral.pk)).values_list("action", flat=True)
    )
    assert {"referral.created", "referral.submitted"} <= actions

    about = Notification.objects.about("referrals.referral", [referral.pk])
    # The space's team is told a request arrived; the person gets the acknowledgement.
    assert about.filter(template="referral_submitted_site", recipient_kind="site_team").exists()
    notification = about.get(template="help_request_received_person")
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


RATE_LIMIT = 5  # valid requests an hour per IP address


def test_five_requests_an_hour_per_address_then_a_clear_message(client, strasbourg):
    for n in range(RATE_LIMIT):
        response = client.post(URL, form_data(first_name=f"Personne{n}", phone=mobile(n)))
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
    for _ in range(RATE_LIMIT):
        client.post(URL, form_data(site_web="spam"))
    assert client.post(URL, form_data()).status_code == 429
    assert not Referral.objects.exists()


def test_the_whole_hour_window_on_a_fake_clock(client, strasbourg, fake_clock):
    """5 allowed from 10:00, the 6th refused, still refused at 10:59:59, allowed at 11:00."""
    for n in range(RATE_LIMIT):
        fake_clock.set(START + datetime.timedelta(minutes=10 * n))
        assert client.post(URL, form_data(phone=mobile(n))).status_code == 302
    fake_clock.set(START + datetime.timedelta(minutes=50))
    assert client.post(URL, form_data()).status_code == 429
    fake_clock.set(START + datetime.timedelta(minutes=59, seconds=59))
    assert client.post(URL, form_data()).status_code == 429
    fake_clock.set(START + datetime.timedelta(hours=1))
    assert client.post(URL, form_data(phone=mobile(9))).status_code == 302
    assert Referral.objects.count() == 6


def test_requests_still_in_flight_count_against_the_limit(client, strasbourg, monkeypatch):
    """Each request is counted before it is recorded: 8 requests arriving while the first
    ones are still being written never get more than 5 through."""
    real_create = help_request.help_request_create
    arrivals = []
    statuses = []

    def create_while_another_arrives(**kwargs):
        if len(arrivals) < 8:
            arrivals.append(1)
            statuses.append(client.post(URL, form_data(phone=mobile(len(arrivals)))).status_code)
        return real_create(**kwargs)

    monkeypatch.setattr(help_request, "help_request_create", create_while_another_arrives)
    statuses.append(client.post(URL, form_data()).status_code)

    assert Referral.objects.count() == RATE_LIMIT
    assert statuses.count(302) == RATE_LIMIT
    assert 429 in statuses


def test_the_ip_address_is_not_stored_in_clear(client, strasbourg):
    from django.core.cache import cache

    client.post(URL, form_data(), REMOTE_ADDR="203.0.113.9")
    assert cache._cache  # the rate limit's counter (LocMemCache's own store)
    assert not any("203.0.113.9" in key for key in cache._cache)


# --- Messages triggered by the anonymous form -----------------------------------------------

EVIL_FIRST_NAMES = [
    "Urgent colis bloqué payez sur https://evil.example",
    "Fatou\nTo: x\nFrom: y",
]


def sent_texts() -> list[str]:
    return [m.text for m in sms.outbox] + [f"{m.subject}\n{m.body}" for m in mail.outbox]


@pytest.mark.parametrize("first_name", EVIL_FIRST_NAMES)
@pytest.mark.parametrize("contact", [{"phone": "06 12 34 56 78"}, {"phone": "", "email": "a@b.fr"}])
def test_no_text_typed_by_the_visitor_reaches_the_acknowledgement(
    client, strasbourg, first_name, contact, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(first_name=first_name, **contact))
    assert response.status_code == 302
    assert Referral.objects.get().first_name == first_name  # recorded for the staff
    texts = sent_texts()
    assert len(texts) == 1
    for text in texts:
        assert "Nous avons bien reçu votre demande d'aide." in text
        assert "Espace Gare" in text  # the space's own details, from the database
        for fragment in ("Urgent", "evil.example", "https://", "Fatou", "To: x", "From: y"):
            assert fragment not in text


@pytest.mark.parametrize("phone", ["+44 7911 123456", "+32 470 12 34 56", "03 88 12 34 56"])
def test_a_foreign_mobile_or_a_landline_gets_no_sms_the_space_calls(
    client, strasbourg, phone, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(URL, form_data(phone=phone)).status_code == 302
    referral = Referral.objects.get()
    assert referral.preferred_channel == ContactChannel.CALL
    assert sms.outbox == []
    acknowledgement = Notification.objects.get(template="help_request_received_person")
    assert acknowledgement.status == DeliveryStatus.TO_CALL


def test_a_second_request_from_one_number_the_same_day_gets_no_second_sms(
    client, strasbourg, fake_clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_data(first_name="Une"))
        fake_clock.advance(hours=3)
        client.post(URL, form_data(first_name="Deux"), REMOTE_ADDR="192.0.2.44")
    assert Referral.objects.count() == 2  # both requests are recorded
    assert [message.to for message in sms.outbox] == ["+33612345678"]

    fake_clock.advance(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_data(first_name="Trois"))
    assert len(sms.outbox) == 2


def test_the_daily_sms_cap_per_space_then_staff_are_told(
    client,
    strasbourg,
    paris,
    settings,
    fake_clock,
    login,
    member_factory,
    django_capture_on_commit_callbacks,
):
    settings.ANONYMOUS_SMS_DAILY_CAP_PER_SITE = 2
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            response = client.post(URL, form_data(phone=mobile(n)), REMOTE_ADDR=f"192.0.2.{n + 1}")
            assert response.status_code == 302
    assert Referral.objects.count() == 4  # every request is recorded
    assert len(sms.outbox) == 2
    assert JournalEntry.objects.filter(action=caps.CAP_REACHED_ACTION, site=strasbourg).count() == 1

    notice = (
        "Plafond de SMS automatiques atteint aujourd'hui pour l'espace « Espace Gare » "
        "(2) : les personnes qui demandent de l'aide sur le site public ne reçoivent pas "
        "d'accusé de réception."
    )
    admin = member_factory(strasbourg.network, Role.NETWORK_ADMIN)
    page = login(admin).get(reverse("referrals:moderation_list")).content.decode()
    assert notice in page
    assert "2 demandes reçues sans SMS aujourd'hui : rappelez ces personnes." in page

    client.logout()
    manager = member_factory(strasbourg, Role.SITE_MANAGER)
    assert notice in login(manager).get(reverse("referrals:inbox")).content.decode()
    client.logout()
    elsewhere = member_factory(paris, Role.SITE_MANAGER)
    assert "Plafond de SMS" not in login(elsewhere).get(reverse("referrals:inbox")).content.decode()

    fake_clock.advance(days=1)
    client.logout()
    assert "Plafond de SMS" not in login(manager).get(reverse("referrals:inbox")).content.decode()


def test_the_thank_you_page_ignores_unknown_spaces(client, db):
    response = client.get(DONE + "?espace=nope")
    assert response.status_code == 200
    assert "Un espace près de chez vous va vous recontacter" in response.content.decode()
