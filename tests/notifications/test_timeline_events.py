"""Messages appear on the file's timeline: which one, to whom, by which channel, what became of it.

They point to their referral by a generic subject; the referrals app's timeline provider
(tisser.referrals.timeline_events) lists the messages about the file's referrals.
"""

import pytest

from tests.notifications.factories import NotificationFactory
from tests.notifications.helpers import notify_person, notify_referrer
from tisser.core.timeline import TimelineEvent, beneficiary_timeline
from tisser.notifications.models import Channel, DeliveryStatus, RecipientKind
from tisser.referrals.timeline_events import _message_events

pytestmark = pytest.mark.django_db


def test_messages_about_the_files_referrals_are_listed(team, sending, sms_outbox):
    beneficiary = team.beneficiary()
    referral = team.accepted_referral(beneficiary=beneficiary)
    help_request = team.referral(beneficiary=beneficiary, public=True, partner=None, referrer=None)
    with sending():
        notify_person(referral, "accepted-person")
        notify_referrer(referral, "accepted-referrer")
    NotificationFactory(
        site=team.site,
        subject=help_request,
        template="help_request_received_person",
        recipient_kind=RecipientKind.PERSON,
        channel=Channel.CALL,
        status=DeliveryStatus.TO_CALL,
    )
    # Someone else's messages stay off this file.
    other = team.accepted_referral(first_name="Zoé")
    NotificationFactory(site=team.site, subject=other)

    events = _message_events(beneficiary)

    assert all(isinstance(event, TimelineEvent) for event in events)
    assert [(e.kind, e.title, e.detail) for e in events] == [
        ("notification.sent", "SMS : Rendez-vous proposé", "La personne — Envoyé"),
        ("notification.sent", "E-mail : Bon d'orientation accepté", "Le prescripteur — Envoyé"),
        (
            "notification.to_call",
            "Appel par l'espace : Demande d'aide reçue",
            "La personne — Pas de message : l'espace appelle la personne",
        ),
    ]
    sms = events[0]
    assert sms.at is not None and sms.url == f"/espace-pro/orientations/{referral.pk}/"
    # The timeline names the message, never its text.
    assert sms_outbox[0].text not in " ".join(e.title + e.detail for e in events)


def test_a_message_through_the_referrer_says_so(team):
    beneficiary = team.beneficiary()
    NotificationFactory(
        site=team.site,
        subject=team.referral(beneficiary=beneficiary),
        template="referral_rebooked_person",
        recipient_kind=RecipientKind.PERSON,
        via_referrer=True,
        status=DeliveryStatus.FAILED,
    )

    (event,) = _message_events(beneficiary)

    assert event.title == "E-mail : Rendez-vous déplacé"
    assert event.detail == "Le prescripteur, pour la personne — Échec"


def test_a_message_stuck_in_sending_shows_staff_it_is_unconfirmed(team):
    beneficiary = team.beneficiary()
    NotificationFactory(
        site=team.site,
        subject=team.referral(beneficiary=beneficiary),
        template="referral_accepted_person",
        recipient_kind=RecipientKind.PERSON,
        channel=Channel.SMS,
        status=DeliveryStatus.SENDING,
    )

    (event,) = _message_events(beneficiary)

    assert event.kind == "notification.sending"
    assert event.detail == "La personne — Envoi non confirmé : vérifiez avant de renvoyer"


def test_the_messages_are_on_the_file_timeline(team):
    beneficiary = team.beneficiary()
    NotificationFactory(site=team.site, subject=team.referral(beneficiary=beneficiary))

    kinds = [event.kind for event in beneficiary_timeline(beneficiary)]

    assert "notification.pending" in kinds


def test_the_messages_take_one_query_whatever_their_number(team, django_assert_num_queries):
    beneficiary = team.beneficiary()
    referral = team.referral(beneficiary=beneficiary)
    NotificationFactory(site=team.site, subject=referral)
    with django_assert_num_queries(1):
        assert len(_message_events(beneficiary)) == 1

    second = team.referral(beneficiary=beneficiary)
    NotificationFactory.create_batch(15, site=team.site, subject=referral)
    NotificationFactory.create_batch(15, site=team.site, subject=second)
    with django_assert_num_queries(1):
        assert len(_message_events(beneficiary)) == 31
