"""The team's side: issue (and reissue), show, print, SMS, revoke, from the person's file."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.learners.factories import LearnerCardFactory
from tisser.accounts.enums import Role
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.core.timeline import beneficiary_actions, beneficiary_timeline
from tisser.learners import services
from tisser.learners.models import LearnerCard
from tisser.notifications.models import Notification

pytestmark = pytest.mark.django_db


def manage_url(person):
    return reverse("learners:card_manage", kwargs={"pk": person.pk})


# --- services ----------------------------------------------------------------------------


def test_issuing_gives_one_active_card_and_reissuing_stops_the_old_one(person, mediator):
    first = services.card_issue(actor=mediator, beneficiary=person)
    assert first.is_usable() and first.site_id == person.site_id
    assert (first.expires_at - first.issued_at).days == services.CARD_VALID_DAYS
    second = services.card_issue(actor=mediator, beneficiary=person)
    first.refresh_from_db()
    assert first.revoked_at is not None and first.revoked_by == mediator.user
    assert second.is_usable() and second.code != first.code
    assert LearnerCard.objects.filter(beneficiary=person, revoked_at__isnull=True).count() == 1
    actions = list(
        JournalEntry.objects.filter(action__startswith="learner_card.")
        .order_by("pk")
        .values_list("action", "payload")
    )
    assert actions == [
        (
            "learner_card.issued",
            {"file_number": person.file_number, "expires": first.expires_at.date().isoformat()},
        ),
        ("learner_card.revoked", {"file_number": person.file_number, "reason": "reissued"}),
        (
            "learner_card.issued",
            {"file_number": person.file_number, "expires": second.expires_at.date().isoformat()},
        ),
    ]


@pytest.mark.parametrize("role", [Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER])
def test_the_site_team_of_the_file_may_issue(person, site, member_factory, role):
    assert services.card_issue(actor=member_factory(site, role), beneficiary=person).pk


def test_another_site_or_the_network_may_not_issue(
    person, other_site, network_admin, member_factory
):
    for actor in (member_factory(other_site, Role.SITE_MANAGER), network_admin, None):
        with pytest.raises(DomainError, match="Seule l'équipe"):
            services.card_issue(actor=actor, beneficiary=person)
    assert not LearnerCard.objects.exists()


def test_a_merged_file_gets_no_card(person, site, mediator):
    person.merged_into = BeneficiaryFactory(site=site)
    person.save(update_fields=["merged_into"])
    with pytest.raises(DomainError, match="fusionné"):
        services.card_issue(actor=mediator, beneficiary=person)


def test_revoking_twice_is_refused(card, mediator):
    services.card_revoke(actor=mediator, card=card)
    with pytest.raises(DomainError, match="déjà désactivée"):
        services.card_revoke(actor=mediator, card=card)
    assert JournalEntry.objects.filter(action="learner_card.revoked").count() == 1


# --- the page on the file ------------------------------------------------------------------


def test_the_file_offers_the_card_to_its_site_team_only(
    person, mediator, member_factory, other_site
):
    labels = [action.label for action in beneficiary_actions(person, mediator)]
    assert "Carte d'accès apprenant" in labels
    outsider = member_factory(other_site, Role.MEDIATOR)
    assert "Carte d'accès apprenant" not in [a.label for a in beneficiary_actions(person, outsider)]


def test_issue_then_show_the_card_on_screen(client, login, mediator, person):
    login(mediator)
    page = client.get(manage_url(person))
    assert page.status_code == 200
    assert (
        "n&#x27;a pas de carte" in page.content.decode()
        or "n'a pas de carte" in page.content.decode()
    )
    response = client.post(manage_url(person))
    show = reverse("learners:card_show", kwargs={"pk": person.pk})
    assert response["Location"] == show
    card = LearnerCard.objects.get(beneficiary=person)
    html = client.get(show).content.decode()
    assert 'src="data:image/svg+xml' in html
    for group in (card.code[:4], card.code[4:]):
        assert f"<span>{group}</span>" in html
    assert JournalEntry.objects.filter(action="learner_card.shown", object_id=str(card.pk)).exists()


def test_the_qr_code_holds_the_cards_link(client, login, mediator, card):
    from urllib.parse import unquote

    login(mediator)
    html = client.get(reverse("learners:card_show", kwargs={"pk": card.beneficiary_id})).content
    svg = unquote(html.decode().split('src="data:image/svg+xml')[1].split('"')[0])
    assert "<path" in svg  # a drawn code (its content is checked through links.qr_data_uri)
    from tisser.learners import links

    assert links.card_url(card).endswith(f"/apprendre/carte/{card.token}/")


def test_the_card_prints_as_a_pdf_in_plain_french(client, login, mediator, card, site):
    site.name = "Espace Croix-Rousse"
    site.phone = "04 78 00 00 00"
    site.save(update_fields=["name", "phone"])
    login(mediator)
    response = client.get(reverse("learners:card_pdf", kwargs={"pk": card.beneficiary_id}))
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Votre carte pour apprendre sur Tisser" in text
    assert "Pour Aïcha." in text
    assert "Espace Croix-Rousse" in text and "04 78 00 00 00" in text
    assert text.count(f"{card.code[:4]} {card.code[4:]}") == 2  # two cards to cut out
    assert "http://127.0.0.1:8000/apprendre/" in text
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    assert JournalEntry.objects.filter(action="learner_card.printed").count() == 1


def test_no_card_to_show_or_print_sends_back_to_the_card_page(client, login, mediator, person):
    login(mediator)
    for name in ("learners:card_show", "learners:card_pdf"):
        response = client.get(reverse(name, kwargs={"pk": person.pk}))
        assert response["Location"] == manage_url(person)


def test_the_card_goes_by_sms_once_with_the_code_and_link_only(
    client, login, mediator, card, sms_outbox, django_capture_on_commit_callbacks
):
    login(mediator)
    url = reverse("learners:card_sms", kwargs={"pk": card.beneficiary_id})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url)["Location"] == manage_url(card.beneficiary)
    assert len(sms_outbox) == 1
    text = sms_outbox[0].text
    assert sms_outbox[0].to == "+33612345678"
    assert f"{card.code[:4]} {card.code[4:]}" in text
    assert f"/apprendre/carte/{card.token}/" in text
    assert "Aïcha" not in text and card.beneficiary.last_name not in text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert len(sms_outbox) == 1
    assert Notification.objects.filter(template="learner_card_sms").count() == 1
    assert JournalEntry.objects.filter(action="learner_card.sms_queued").count() == 1
    assert "déjà envoyée par SMS" in client.get(manage_url(card.beneficiary)).content.decode()


def test_no_sms_without_a_mobile_number(client, login, mediator, card):
    card.beneficiary.phone = "04 78 00 00 00"
    card.beneficiary.save(update_fields=["phone"])
    login(mediator)
    with pytest.raises(DomainError, match="pas de numéro de portable"):
        services.card_send_sms(actor=mediator, card=card)
    assert not Notification.objects.exists()


def test_revoking_from_the_page(client, login, mediator, card):
    login(mediator)
    response = client.post(reverse("learners:card_revoke", kwargs={"pk": card.beneficiary_id}))
    assert response["Location"] == manage_url(card.beneficiary)
    card.refresh_from_db()
    assert card.revoked_at is not None
    html = client.get(manage_url(card.beneficiary)).content.decode()
    assert "Anciennes cartes" in html and "Faire une carte" in html


def test_the_timeline_shows_cards_made_and_stopped(person, mediator):
    card = services.card_issue(actor=mediator, beneficiary=person)
    services.card_revoke(actor=mediator, card=card)
    kinds = [event.kind for event in beneficiary_timeline(person)]
    assert kinds.count("learner_card.issued") == 1 and kinds.count("learner_card.revoked") == 1


def test_the_journal_names_the_card_by_its_file(client, login, mediator, person, network_admin):
    services.card_issue(actor=mediator, beneficiary=person)
    login(network_admin)
    html = client.get(reverse("workspace:journal")).content.decode()
    assert "Carte d&#x27;accès apprenant remise" in html or "Carte d'accès apprenant remise" in html
    assert f"Carte apprenant du dossier n° {person.file_number}" in html


def test_the_card_page_costs_the_same_with_many_old_cards(
    client, login, mediator, person, django_assert_max_num_queries
):
    login(mediator)
    LearnerCardFactory(beneficiary=person)
    client.get(manage_url(person))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(manage_url(person))
    LearnerCard.objects.filter(beneficiary=person).update(revoked_at=person.created_at)
    for _ in range(12):
        LearnerCardFactory(beneficiary=person, revoked_at=person.created_at)
    LearnerCardFactory(beneficiary=person)
    with CaptureQueriesContext(connection) as many:
        html = client.get(manage_url(person)).content.decode()
    assert len(many) == len(one)
    assert html.count("<tr>") == 1 + 10  # the header and the ten last old cards


def test_the_sms_text_is_french_short_and_holds_nothing_about_the_person(card, site):
    import re

    from tisser.notifications.kinds import get_kind
    from tisser.notifications.messages import build_context, render_email, render_sms

    site.phone = "03 88 00 00 00"
    site.save(update_fields=["phone"])
    kind = get_kind("learner_card_sms")
    assert kind.has_sms and kind.subject_type == "learners.learnercard"
    contact = kind.contact(card)
    assert contact.phone == card.beneficiary.phone and not contact.email
    assert not contact.first_name and not contact.last_name
    context = build_context(kind=kind, subject=card, contact=contact, site=site, via_referrer=False)
    text = render_sms(kind.template, context)
    assert text.startswith("Votre carte pour apprendre sur Tisser.")
    assert f"{card.code[:4]} {card.code[4:]}" in text and card.token in text
    assert "03 88 00 00 00" in text
    assert card.beneficiary.first_name not in text and card.beneficiary.last_name not in text
    assert not re.search(r"\b(the|your|None)\b|\{\{|&#|&amp;", text)
    assert len(text) < 320  # two SMS at most
    subject, body = render_email(kind.template, context)
    assert subject == "Votre carte pour apprendre sur Tisser" and card.token in body


def test_a_mediator_marks_the_spaces_shared_computer(client, login, mediator, card):
    from tisser.learners import session

    login(mediator)
    url = reverse("learners:shared_device")
    assert "pas marqué" in client.get(url).content.decode()
    client.post(url, {"action": "mark"})
    assert session.SHARED_DEVICE_COOKIE in client.cookies
    assert "est marqué comme appareil partagé" in client.get(url).content.decode()
    # The team signs out; a learner signs in on this computer: a session of the day.
    client.post(reverse("account_logout"))
    response = client.post("/apprendre/", {"code": card.code})
    assert response.cookies["sessionid"]["max-age"] == ""
    from tisser.core.models import JournalEntry

    assert JournalEntry.objects.get(action="learner.signed_in").payload["device"] == "shared"
    login(mediator)
    client.post(url, {"action": "unmark"})
    assert client.cookies[session.SHARED_DEVICE_COOKIE].value == ""


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.PARTNER_REFERRER])
def test_only_managers_and_mediators_mark_a_shared_computer(
    client, login, site, partner, member_factory, role
):
    member = member_factory(partner if role == Role.PARTNER_REFERRER else site, role)
    login(member)
    assert client.get(reverse("learners:shared_device")).status_code == 403


def test_a_card_stopped_before_its_sms_leaves_is_not_sent(card, mediator, sms_outbox):
    from tisser.notifications.models import DeliveryStatus
    from tisser.notifications.services import notification_deliver

    notification = services.card_send_sms(actor=mediator, card=card)  # queued, not yet sent
    services.card_revoke(actor=mediator, card=card)
    notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.NO_ADDRESS
    assert sms_outbox == []
