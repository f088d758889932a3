"""notify(): the channel for each recipient kind and preferred channel, and what arrives."""

import json

import pytest
from django.core import mail
from django.test import override_settings

from tests.notifications.helpers import (
    notify_accepted,
    notify_person,
    notify_referrer,
    notify_site_team,
)
from tisser.beneficiaries.enums import ContactChannel
from tisser.notifications.models import Channel, DeliveryStatus, Notification, RecipientKind
from tisser.notifications.services import notify
from tisser.referrals.enums import ReferralSource

pytestmark = pytest.mark.django_db


def test_person_who_prefers_sms_gets_the_appointment_by_sms(team, sending, sms_outbox):
    referral = team.accepted_referral(phone="06 12 34 56 01", preferred_channel="sms")

    with sending():
        notification = notify_accepted(referral)

    notification.refresh_from_db()
    assert notification.channel == Channel.SMS
    assert notification.status == DeliveryStatus.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None
    assert [m.to for m in sms_outbox] == ["+33612345601"]
    text = sms_outbox[0].text
    assert "Bonjour Awa." in text
    assert "Rendez-vous le jeudi 4 décembre 2031 à 14 h 30 à Espace numérique de la Meinau." in text
    assert "Espace numérique de la Meinau" in text
    assert "12 rue du Jeu-des-Enfants" in text
    assert "pièce d'identité" in text
    assert "chargeur" in text
    assert "03 88 12 34 56" in text
    assert len(text) <= 300
    assert mail.outbox == []


def test_person_who_prefers_email_gets_an_email_with_what_to_bring(team, sending, sms_outbox):
    referral = team.accepted_referral(preferred_channel=ContactChannel.EMAIL)

    with sending():
        notification = notify_accepted(referral)

    notification.refresh_from_db()
    assert notification.channel == Channel.EMAIL
    assert notification.status == DeliveryStatus.SENT
    assert sms_outbox == []
    (message,) = mail.outbox
    assert message.to == ["awa.diallo@exemple.fr"]
    assert message.subject == "Votre rendez-vous le jeudi 4 décembre 2031 à 14 h 30"
    assert "Bonjour Awa," in message.body
    assert "Quand : le jeudi 4 décembre 2031 à 14 h 30." in message.body
    assert "Où : 12 rue du Jeu-des-Enfants." in message.body
    for thing in ("pièce d'identité", "chargeur", "papiers de vos démarches"):
        assert thing in message.body
    assert "Appelez l'espace au 03 88 12 34 56" in message.body


def test_person_who_prefers_a_call_gets_no_message_and_the_status_says_so(
    team, sending, sms_outbox
):
    referral = team.accepted_referral(preferred_channel=ContactChannel.CALL)

    with sending() as callbacks:
        notification = notify_accepted(referral)

    assert callbacks == []  # nothing queued
    notification.refresh_from_db()
    assert notification.channel == Channel.CALL
    assert notification.status == DeliveryStatus.TO_CALL
    assert notification.get_status_display() == "Pas de message : l'espace appelle la personne"
    assert sms_outbox == [] and mail.outbox == []


def test_person_who_prefers_their_referrer_gets_the_message_through_the_referrer(
    team, sending, sms_outbox
):
    referral = team.accepted_referral(preferred_channel=ContactChannel.REFERRER)

    with sending():
        notification = notify_accepted(referral)

    notification.refresh_from_db()
    assert notification.channel == Channel.EMAIL
    assert notification.via_referrer is True
    assert notification.status == DeliveryStatus.SENT
    assert sms_outbox == []
    (message,) = mail.outbox
    assert message.to == ["prescriptrice@ccas.exemple.fr"]
    assert message.subject == "Rendez-vous pour Awa D. le jeudi 4 décembre 2031 à 14 h 30"
    assert "Awa D. souhaite recevoir nos messages par vous." in message.body
    assert "Merci de lui transmettre le message ci-dessous." in message.body
    assert "Quand : le jeudi 4 décembre 2031 à 14 h 30." in message.body


def test_public_request_without_referrer_falls_back_to_the_persons_own_phone(
    team, sending, sms_outbox
):
    referral = team.referral(
        public=True,
        partner=None,
        referrer=None,
        preferred_channel=ContactChannel.REFERRER,
        status="moderation_pending",
    )
    assert referral.source == ReferralSource.PUBLIC_REQUEST

    with sending():
        notification = notify_person(
            referral,
            f"referral:{referral.pk}:help_request:person",
            template="help_request_received_person",
        )

    notification.refresh_from_db()
    assert notification.channel == Channel.SMS
    assert notification.via_referrer is False
    (sent,) = sms_outbox
    assert "Nous avons bien reçu votre demande d'aide." in sent.text
    assert "Espace numérique de la Meinau va vous contacter" in sent.text


def test_sms_is_only_sent_to_mobiles_a_landline_falls_back_to_email(team, sending, sms_outbox):
    referral = team.accepted_referral(phone="03 88 11 22 33", preferred_channel="sms")

    with sending():
        notification = notify_accepted(referral)

    notification.refresh_from_db()
    assert notification.channel == Channel.EMAIL
    assert notification.status == DeliveryStatus.SENT
    assert sms_outbox == []
    assert mail.outbox[0].to == ["awa.diallo@exemple.fr"]


def test_a_landline_and_no_email_means_no_address(team, sending, sms_outbox):
    referral = team.accepted_referral(phone="+33388112233", email="", preferred_channel="sms")

    with sending():
        notification = notify_accepted(referral)

    notification.refresh_from_db()
    assert notification.channel == Channel.SMS
    assert notification.status == DeliveryStatus.NO_ADDRESS
    assert notification.attempts == 0
    assert sms_outbox == [] and mail.outbox == []


def test_message_to_the_referrer_is_an_email_to_the_referrer(team, sending, sms_outbox):
    referral = team.accepted_referral()

    with sending():
        notification = notify_referrer(referral, f"referral:{referral.pk}:accepted:referrer")

    notification.refresh_from_db()
    assert (notification.channel, notification.status) == (Channel.EMAIL, DeliveryStatus.SENT)
    (message,) = mail.outbox
    assert message.to == ["prescriptrice@ccas.exemple.fr"]
    assert message.subject == f"Bon d'orientation {referral.reference} accepté"
    assert "Bonjour Claire Weber," in message.body
    assert (
        f"Votre bon d'orientation {referral.reference} pour Awa D. est accepté par "
        "Espace numérique de la Meinau." in message.body
    )
    assert "Rendez-vous : le jeudi 4 décembre 2031 à 14 h 30." in message.body
    assert sms_outbox == []


def test_message_to_an_inactive_referrer_has_no_address(team, sending):
    referral = team.accepted_referral()
    team.referrer.user.is_active = False
    team.referrer.user.save()

    with sending():
        notification = notify_referrer(referral, "referrer-gone")

    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.NO_ADDRESS
    assert mail.outbox == []


def test_message_to_the_site_team_goes_to_active_managers_and_mediators_only(
    team, sending, member_factory, other_site
):
    from tisser.accounts.enums import Role

    gone = member_factory(team.site, Role.MEDIATOR)
    gone.is_active = False
    gone.save()
    member_factory(other_site, Role.SITE_MANAGER)
    referral = team.referral(submitted=True)

    with sending():
        notify(
            event_key=f"referral:{referral.pk}:submitted:site_team",
            template="referral_submitted_site",
            recipient_kind=RecipientKind.SITE_TEAM,
            site=team.site,
            subject=referral,
        )

    (message,) = mail.outbox
    assert message.to == ["mediateur@meinau.fr", "responsable@meinau.fr"]
    assert message.subject == f"Nouveau bon d'orientation {referral.reference}"
    assert "Il vient de : CCAS de Strasbourg." in message.body
    # Staff are told where to look, not who the person is.
    assert "Awa" not in message.body and "Diallo" not in message.body


def test_site_without_team_is_told_at_its_contact_address(site, sending):
    from tests.referrals.factories import ReferralFactory

    site.email = "Contact@Espace.fr"
    site.save()
    referral = ReferralFactory(site=site, submitted=True)

    with sending():
        notify_site_team(referral, "lonely-site")

    assert mail.outbox[0].to == ["contact@espace.fr"]


@pytest.fixture
def file_kind():
    """A kind about a person's file, registered as a domain app would register its own."""
    from tisser.notifications import kinds

    saved = dict(kinds._kinds)
    kinds.register_kind(
        "test_file_welcome",
        label="Bienvenue",
        recipient_kind=RecipientKind.PERSON,
        subject_type="beneficiaries.Beneficiary",
        template="referrals/messages/help_request_received_person",
        context=lambda beneficiary: {"site_name": beneficiary.site.name},
        contact=lambda beneficiary: kinds.Contact(
            first_name=beneficiary.first_name,
            last_name=beneficiary.last_name,
            phone=beneficiary.phone,
            email=beneficiary.email,
            preferred_channel=beneficiary.preferred_channel,
        ),
    )
    yield "test_file_welcome"
    kinds._kinds.clear()
    kinds._kinds.update(saved)


def test_a_kind_registered_by_another_app_sends_about_its_own_subject(
    team, sending, sms_outbox, file_kind
):
    beneficiary = team.beneficiary()

    with sending():
        notification = notify(
            event_key=f"beneficiary:{beneficiary.pk}:welcome",
            template=file_kind,
            recipient_kind=RecipientKind.PERSON,
            subject=beneficiary,
        )

    notification.refresh_from_db()
    assert (notification.subject_type, notification.subject_id) == (
        "beneficiaries.beneficiary",
        beneficiary.pk,
    )
    assert notification.site == team.site
    assert notification.status == DeliveryStatus.SENT
    assert sms_outbox[0].to == "+33612345602"
    assert sms_outbox[0].text.startswith("Bonjour.\nNous avons bien reçu votre demande d'aide.")


def test_the_same_event_never_produces_two_messages(team, sending, sms_outbox):
    referral = team.accepted_referral()

    with sending():
        first = notify_accepted(referral)
    with sending() as callbacks:
        second = notify_accepted(referral)

    assert second.pk == first.pk
    assert callbacks == []
    assert Notification.objects.count() == 1
    assert len(sms_outbox) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(team, django_db_blocker, sms_outbox):
    from django.db import transaction

    referral = team.accepted_referral()

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        notify_accepted(referral)
        raise Rollback

    assert Notification.objects.count() == 0
    assert sms_outbox == []


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_the_task_queue_holds_only_the_notification_id(team, sending):
    from django_tasks import default_task_backend

    referral = team.accepted_referral()

    with sending():
        notification = notify_accepted(referral)

    (queued,) = default_task_backend.results
    assert queued.task.name == "send_notification"
    assert queued.args == [notification.pk]
    assert queued.kwargs == {}
    serialised = json.dumps([queued.args, queued.kwargs])
    for personal in ("Awa", "Diallo", "0612345601", "+33612345601", "awa.diallo"):
        assert personal not in serialised


def test_the_record_keeps_who_when_which_template_and_status_but_never_the_text(
    team, sending, sms_outbox
):
    referral = team.accepted_referral()

    with sending():
        notification = notify_accepted(referral)

    notification.refresh_from_db()
    assert notification.template == "referral_accepted_person"
    assert notification.recipient_kind == RecipientKind.PERSON
    assert (notification.subject_type, notification.subject_id) == (
        "referrals.referral",
        referral.pk,
    )
    assert notification.sent_at is not None
    stored = [str(getattr(notification, f.attname)) for f in Notification._meta.concrete_fields]
    text = sms_outbox[0].text
    for value in stored:
        assert text not in value
        assert "rue du Jeu-des-Enfants" not in value
        assert "+33612345601" not in value
    field_names = {f.name for f in Notification._meta.get_fields()}
    assert not field_names & {"body", "text", "message", "content", "address", "phone", "email"}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"template": "no_such_template"}, "Unknown message template"),
        ({"recipient_kind": RecipientKind.REFERRER}, "is for 'person' recipients"),
        ({"event_key": ""}, "event_key"),
        ({"event_key": "x" * 201}, "event_key"),
        ({"subject": None}, "needs a saved subject"),
    ],
)
def test_programming_mistakes_are_refused(team, kwargs, error):
    referral = team.accepted_referral()
    arguments = {
        "event_key": "k",
        "template": "referral_accepted_person",
        "recipient_kind": RecipientKind.PERSON,
        "subject": referral,
        **kwargs,
    }
    with pytest.raises(ValueError, match=error):
        notify(**arguments)
    assert Notification.objects.count() == 0


def test_a_subject_of_another_model_is_refused(team):
    with pytest.raises(ValueError, match=r"is about 'referrals\.referral' objects"):
        notify(
            event_key="wrong-subject",
            template="referral_accepted_person",
            recipient_kind=RecipientKind.PERSON,
            subject=team.site,
        )
    assert Notification.objects.count() == 0
