"""Messages appear on the file's timeline: which one, to whom, by which channel, what became of it."""

import pytest

from tests.notifications.factories import NotificationFactory
from tests.notifications.helpers import notify_person, notify_referrer
from tisser.core.timeline import TimelineEvent, beneficiary_timeline
from tisser.notifications.models import Channel, DeliveryStatus, RecipientKind
from tisser.notifications.timeline_events import timeline_events

pytestmark = pytest.mark.django_db


def test_messages_about_the_file_and_its_referrals_are_listed(team, sending, sms_outbox):
    beneficiary = team.beneficiary()
    referral = team.accepted_referral(beneficiary=beneficiary)
    with sending():
        notify_person(referral, "accepted-person")
        notify_referrer(referral, "accepted-referrer")
    NotificationFactory(
        site=team.site,
        beneficiary=beneficiary,
        template="help_request_received_person",
        recipient_kind=RecipientKind.PERSON,
        channel=Channel.CALL,
        status=DeliveryStatus.TO_CALL,
    )
    # Someone else's messages stay off this file.
    other = team.accepted_referral(first_name="Zoé")
    NotificationFactory(site=team.site, referral=other)

    events = timeline_events(beneficiary)

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
    assert sms.at is not None and sms.url == ""
    # The timeline names the message, never its text.
    assert sms_outbox[0].text not in " ".join(e.title + e.detail for e in events)


def test_a_message_through_the_referrer_says_so(team):
    beneficiary = team.beneficiary()
    NotificationFactory(
        site=team.site,
        beneficiary=beneficiary,
        template="referral_rebooked_person",
        recipient_kind=RecipientKind.PERSON,
        via_referrer=True,
        status=DeliveryStatus.FAILED,
    )

    (event,) = timeline_events(beneficiary)

    assert event.title == "E-mail : Rendez-vous déplacé"
    assert event.detail == "Le prescripteur, pour la personne — Échec"


def test_the_provider_is_discovered_by_the_file_timeline(team):
    beneficiary = team.beneficiary()
    NotificationFactory(site=team.site, beneficiary=beneficiary)

    kinds = [event.kind for event in beneficiary_timeline(beneficiary)]

    assert "notification.pending" in kinds


def test_the_provider_runs_one_query_whatever_the_number_of_messages(
    team, django_assert_num_queries
):
    beneficiary = team.beneficiary()
    NotificationFactory(site=team.site, beneficiary=beneficiary)
    with django_assert_num_queries(1):
        assert len(timeline_events(beneficiary)) == 1

    NotificationFactory.create_batch(30, site=team.site, beneficiary=beneficiary)
    with django_assert_num_queries(1):
        assert len(timeline_events(beneficiary)) == 31
