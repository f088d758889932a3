"""Every message template renders in plain French, with the facts the recipient needs."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from tests.notifications.factories import NotificationFactory
from tests.notifications.helpers import notify_referrer
from tests.referrals.factories import AppointmentFactory, ReferralFactory
from tisser.core.dates import format_when
from tisser.notifications.kinds import all_kinds, kind_label
from tisser.notifications.messages import short_name
from tisser.notifications.models import Channel, DeliveryStatus, RecipientKind
from tisser.notifications.services import render
from tisser.referrals.enums import AppointmentStatus, ReferralStatus, RejectionReason

pytestmark = pytest.mark.django_db

SPEC_TEMPLATES = {
    "referral_submitted_site": "site_team",
    "referral_accepted_person": "person",
    "referral_accepted_referrer": "referrer",
    "referral_rebooked_person": "person",
    "referral_rejected_referrer": "referrer",
    "referral_reminder_site": "site_team",
    "referral_expired_referrer": "referrer",
    "referral_moderation_rejected_referrer": "referrer",
    "referral_cancelled_site": "site_team",
    "help_request_received_person": "person",
    "referral_transferred_referrer": "referrer",
    "referral_transferred_site": "site_team",
    "help_request_overdue_site": "site_managers",
}
# Words that would betray an English or half-rendered message.
NOT_FRENCH = re.compile(r"\b(the|your|appointment|Hello|Dear|None)\b|\{\{|\{%|&#|&amp;|&quot;")


# The referral's kinds (registered by tisser.referrals.notification_kinds).
TEMPLATES = {code: kind for code, kind in all_kinds().items() if code in SPEC_TEMPLATES}


def test_the_referral_kinds_are_exactly_those_of_the_design():
    referral_kinds = {
        code: kind.recipient_kind
        for code, kind in all_kinds().items()
        if kind.subject_type == "referrals.referral"
    }
    assert referral_kinds == SPEC_TEMPLATES


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime.datetime(2031, 12, 4, 14, 30), "jeudi 4 décembre à 14 h 30"),
        (datetime.datetime(2031, 12, 1, 9, 0), "lundi 1er décembre à 9 h"),
        (datetime.datetime(2031, 8, 15, 10, 5), "vendredi 15 août à 10 h 05"),
    ],
)
def test_dates_are_written_out_in_french(moment, expected):
    this_year = datetime.date(2031, 1, 1)
    assert format_when(timezone.make_aware(moment), today=this_year) == expected


def test_dates_are_shown_in_the_french_time_zone():
    utc = datetime.datetime(2031, 7, 3, 12, 30, tzinfo=datetime.UTC)
    assert format_when(utc, today=datetime.date(2031, 1, 1)) == "jeudi 3 juillet à 14 h 30"


def test_short_name_keeps_the_first_name_and_the_initial():
    assert short_name("Awa", "diallo") == "Awa D."
    assert short_name("Awa", "") == "Awa"


def _full_referral(team, **kwargs):
    """A referral with every fact a template may show, and awkward characters in names."""
    referral = team.referral(
        first_name="Marie-Noëlle",
        last_name="O'Connor & Fils",
        status=ReferralStatus.ACCEPTED,
        submitted_at=timezone.now() - datetime.timedelta(days=12),
        rejection_reasons=[RejectionReason.HORS_TERRITOIRE, RejectionReason.SESSION_COMPLETE],
        rejection_message="La personne habite à Colmar : l'espace de Colmar est plus proche.",
        **kwargs,
    )
    team.site.name = "Espace numérique de la Meinau & du Neuhof"
    team.site.address = "12 rue du Jeu-des-Enfants, bâtiment B, 2e étage"
    team.site.save()
    AppointmentFactory(
        referral=referral,
        starts_at=timezone.make_aware(datetime.datetime(2031, 12, 31, 14, 30)),
        place="12 rue du Jeu-des-Enfants, bâtiment B, 2e étage, 67100 Strasbourg",
    )
    return referral


def rendered(referral, template, channel=Channel.EMAIL) -> dict:
    """The texts the send task builds for a message record of ``template`` about ``referral``."""
    return render(
        NotificationFactory(
            site=referral.site,
            subject=referral,
            template=template,
            recipient_kind=TEMPLATES[template].recipient_kind,
            channel=channel,
        )
    )


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_every_template_renders_in_french_by_email(team, code):
    referral = _full_referral(team)
    texts = rendered(referral, code, channel=Channel.EMAIL)

    assert texts["subject"] and "\n" not in texts["subject"]
    assert len(texts["subject"]) < 120
    for text in (texts["subject"], texts["body"]):
        assert not NOT_FRENCH.search(text), text
    assert "\n\n\n" not in texts["body"]
    assert ".." not in texts["body"] and " de Espace" not in texts["body"]
    assert texts["body"].startswith("Bonjour")
    if TEMPLATES[code].recipient_kind != RecipientKind.PERSON:
        assert referral.reference in texts["subject"]
        assert "Message automatique : merci de ne pas y répondre." in texts["body"]
    else:
        assert "Vous ne voulez plus recevoir de messages ? Dites-le à l'espace." in texts["body"]
        assert "Espace numérique de la Meinau & du Neuhof" in texts["body"]


@pytest.mark.parametrize(
    "code", sorted(code for code, t in TEMPLATES.items() if t.recipient_kind == "person")
)
def test_every_message_to_the_person_has_a_short_sms(team, code):
    referral = _full_referral(team)
    text = rendered(referral, code, channel=Channel.SMS)["sms"]

    if code == "help_request_received_person":
        # Triggered by an anonymous form: nothing the visitor typed, not even the first name.
        assert text.startswith("Bonjour.")
        assert "Marie-Noëlle" not in text
    else:
        assert text.startswith("Bonjour Marie-Noëlle.")
    assert not NOT_FRENCH.search(text), text
    # Even with a long site name and address, an SMS stays short enough to read at a glance.
    assert len(text) <= 300, (len(text), text)
    assert "03 88 12 34 56" in text


@pytest.mark.parametrize("code", ["referral_accepted_person", "referral_rebooked_person"])
def test_appointment_messages_say_when_where_and_what_to_bring(team, code):
    referral = _full_referral(team)
    for channel in (Channel.SMS, Channel.EMAIL):
        texts = rendered(referral, code, channel=channel)
        text = texts.get("sms") or texts["body"]
        assert "mercredi 31 décembre 2031 à 14 h 30" in text
        assert "12 rue du Jeu-des-Enfants, bâtiment B, 2e étage, 67100 Strasbourg" in text
        assert "pièce d'identité" in text
        assert "chargeur" in text
        assert "papiers" in text


def test_rebooked_message_says_the_date_changes(team):
    referral = _full_referral(team)
    text = rendered(referral, "referral_rebooked_person", channel=Channel.SMS)["sms"]
    assert "Rendez-vous déplacé au mercredi 31 décembre 2031 à 14 h 30 à Espace numérique" in text


def test_rejection_tells_the_referrer_the_reasons_and_the_message(team, sending):
    referral = _full_referral(team)

    with sending():
        notify_referrer(referral, "rejected", template="referral_rejected_referrer")

    (message,) = mail.outbox
    assert message.subject == f"Bon d'orientation {referral.reference} refusé"
    assert "Motif : Hors territoire, Session complète." in message.body
    assert "La personne habite à Colmar : l'espace de Colmar est plus proche." in message.body
    assert (
        f"Votre bon d'orientation {referral.reference} pour Marie-Noëlle O. est refusé par"
        in message.body
    )
    assert "Connor" not in message.body


def test_reminder_counts_the_days_without_answer(team):
    referral = team.referral(
        status=ReferralStatus.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(days=20, hours=1),
    )
    texts = rendered(referral, "referral_reminder_site")

    assert texts["subject"] == (
        f"Rappel : le bon d'orientation {referral.reference} attend une réponse depuis 20 jours"
    )
    assert "Sans réponse 30 jours après l'envoi, le bon expire" in texts["body"]


def test_expiry_without_answer_and_after_a_no_show_read_differently(team):
    unanswered = team.referral(status=ReferralStatus.EXPIRED, submitted_at=timezone.now())
    no_show = _full_referral(team)
    no_show.appointments.update(status=AppointmentStatus.NO_SHOW)

    def body(referral):
        return rendered(referral, "referral_expired_referrer")["body"]

    assert (
        "Votre bon d'orientation pour Awa D. a été envoyé à Espace numérique de la Meinau "
        "& du Neuhof. L'espace n'a pas répondu en 30 jours." in body(unanswered)
    )
    text = body(no_show)
    assert "avait rendez-vous" in text and "le mercredi 31 décembre 2031 à 14 h 30" in text
    assert "La personne n'est pas venue." in text


def test_moderation_refusal_quotes_the_network_team(team):
    from tisser.referrals.models import ReferralEvent

    referral = team.referral(status=ReferralStatus.MODERATION_REJECTED)
    ReferralEvent.objects.create(
        referral=referral,
        from_status=ReferralStatus.MODERATION_PENDING,
        to_status=ReferralStatus.MODERATION_REJECTED,
        at=timezone.now(),
        note="Votre structure n'est pas encore habilitée.",
    )
    body = rendered(referral, "referral_moderation_rejected_referrer")["body"]

    assert (
        f"Votre bon d'orientation {referral.reference} pour Awa D. n'est pas validé par "
        "l'équipe du réseau." in body
    )
    assert "Message de l'équipe du réseau :\nVotre structure n'est pas encore habilitée." in body


def test_cancellation_frees_a_future_appointment(team):
    referral = team.accepted_referral()
    referral.appointments.update(status=AppointmentStatus.CANCELLED)
    body = rendered(referral, "referral_cancelled_site")["body"]

    assert f"CCAS de Strasbourg a annulé le bon d'orientation {referral.reference}." in body
    assert "Le rendez-vous du jeudi 4 décembre 2031 à 14 h 30 est libéré." in body


def test_emails_to_staff_link_to_the_referral_when_the_page_exists(team, settings):
    from django.urls import NoReverseMatch

    settings.PUBLIC_BASE_URL = "https://tisser.example.org/"
    referral = team.referral(submitted=True)
    body = rendered(referral, "referral_submitted_site")["body"]
    try:
        path = referral.get_absolute_url()
    except NoReverseMatch:
        assert "Pour le voir" not in body
    else:
        assert f"Pour le voir : https://tisser.example.org{path}" in body


def test_an_appointment_without_place_shows_the_site_address(team):
    referral = ReferralFactory(site=team.site, status=ReferralStatus.ACCEPTED, first_name="Lou")
    AppointmentFactory(referral=referral, place="")
    assert (
        "Adresse : 12 rue du Jeu-des-Enfants, 67100 Strasbourg."
        in rendered(referral, "referral_accepted_person", channel=Channel.SMS)["sms"]
    )


def test_labels_for_history_and_timeline_are_french():
    assert kind_label("referral_accepted_person") == "Rendez-vous proposé"
    assert kind_label("unknown_code") == "unknown_code"
    assert DeliveryStatus.OPTED_OUT.label == "Non envoyé : la personne a refusé ce canal"
