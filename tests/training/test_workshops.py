"""One-off workshops: seats, the waiting list and its order, registration by a mediator and
online (caps, honeypot), cancellation by the SMS link (a GET never cancels), a cancelled
workshop, the public agenda and the staff pages."""

import datetime
import hashlib
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import SiteFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.training.factories import WorkshopFactory, WorkshopRegistrationFactory
from tisser.accounts.enums import Role
from tisser.activities.enums import Theme
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.notifications.models import Notification
from tisser.notifications.services import render
from tisser.training import workshop_selectors, workshops
from tisser.training.enums import RegistrationStatus as S
from tisser.training.models import Workshop, WorkshopRegistration

AGENDA = reverse("website:workshop_agenda")


def mobile(n: int) -> str:
    return f"+336123456{n:02d}"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def register_url(workshop) -> str:
    return reverse("website:workshop_register", kwargs={"pk": workshop.pk})


def sms_of(registration, template) -> str:
    notification = Notification.objects.get(
        template=template, subject_type="training.workshopregistration", subject_id=registration.pk
    )
    return render(notification)["sms"]


def link_token(text: str) -> str:
    found = re.search(r"/ateliers/annuler/([0-9a-f]+)/", text)
    assert found, text
    return found.group(1)


@pytest.fixture
def workshop(site):
    return WorkshopFactory(site=site, capacity=2, title="Envoyer une photo par e-mail")


@pytest.fixture
def manager(member_factory, site):
    return member_factory(site, Role.SITE_MANAGER)


def online(workshop, n, first_name="Awa"):
    return workshops.registration_online(workshop=workshop, first_name=first_name, phone=mobile(n))


# --- seats and the waiting list -----------------------------------------------------------


def test_seats_then_the_waiting_list_in_order(workshop):
    first, _ = online(workshop, 1)
    second, _ = online(workshop, 2)
    third, _ = online(workshop, 3)
    fourth, _ = online(workshop, 4)

    assert [first.status, second.status] == [S.CONFIRMED, S.CONFIRMED]
    assert [third.status, fourth.status] == [S.WAITING, S.WAITING]
    assert first.waiting_since is None and third.waiting_since <= fourth.waiting_since
    # The waiting people were told they wait, the others that their seat is booked.
    assert "liste d'attente" in sms_of(third, workshops.WAITING)
    assert "Votre place est réservée" in sms_of(first, workshops.CONFIRMATION)


def test_a_cancellation_moves_the_first_waiting_person_up_and_texts_them(workshop, mediator):
    first, _ = online(workshop, 1)
    online(workshop, 2)
    third, _ = online(workshop, 3)
    fourth, _ = online(workshop, 4)

    workshops.registration_cancel(actor=mediator, registration=first)

    third.refresh_from_db()
    fourth.refresh_from_db()
    assert (third.status, fourth.status) == (S.CONFIRMED, S.WAITING)
    text = sms_of(third, workshops.MOVED_UP)
    assert "Une place s'est libérée pour vous" in text
    assert "/ateliers/annuler/" in text
    assert not Notification.objects.filter(template=workshops.MOVED_UP, subject_id=fourth.pk)
    assert JournalEntry.objects.filter(action="workshop.registration_cancelled").count() == 1


def test_leaving_the_waiting_list_moves_nobody_up(workshop, mediator):
    online(workshop, 1)
    online(workshop, 2)
    third, _ = online(workshop, 3)
    fourth, _ = online(workshop, 4)

    workshops.registration_cancel(actor=mediator, registration=third)

    fourth.refresh_from_db()
    assert fourth.status == S.WAITING
    assert workshop.registrations.filter(status=S.CONFIRMED).count() == 2


def test_more_seats_move_people_up_and_fewer_than_registered_is_refused(workshop, mediator):
    for n in range(4):
        online(workshop, n)

    workshops.workshop_update(actor=mediator, workshop=workshop, capacity=3)
    assert workshop.registrations.filter(status=S.CONFIRMED).count() == 3
    assert workshop.registrations.filter(status=S.WAITING).count() == 1

    with pytest.raises(DomainError, match="3 personnes sont déjà inscrites"):
        workshops.workshop_update(actor=mediator, workshop=workshop, capacity=2)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(DomainError, match="date à venir"):
        workshops.workshop_update(
            actor=mediator,
            workshop=workshop,
            starts_at=yesterday,
            ends_at=yesterday + datetime.timedelta(hours=2),
        )


# --- registration by a mediator -----------------------------------------------------------


def test_a_mediator_registers_a_file_of_the_site_or_a_first_name_and_phone(
    workshop, mediator, site
):
    person = BeneficiaryFactory(site=site, phone="+33611223344")
    by_file = workshops.registration_by_mediator(
        actor=mediator, workshop=workshop, beneficiary=person
    )
    someone = workshops.registration_by_mediator(
        actor=mediator, workshop=workshop, first_name="Jean", phone=mobile(9)
    )

    assert by_file.beneficiary == person and by_file.phone == "+33611223344"
    assert by_file.registered_by == mediator.user
    assert someone.status == S.CONFIRMED
    assert Notification.objects.filter(template=workshops.CONFIRMATION).count() == 2
    assert JournalEntry.objects.filter(action="workshop.registered").count() == 2
    with pytest.raises(DomainError, match="déjà inscrite"):
        workshops.registration_by_mediator(actor=mediator, workshop=workshop, beneficiary=person)


def test_a_mediator_cannot_register_another_sites_file(workshop, mediator, other_site):
    stranger = BeneficiaryFactory(site=other_site)
    with pytest.raises(DomainError):
        workshops.registration_by_mediator(actor=mediator, workshop=workshop, beneficiary=stranger)


def test_another_sites_mediator_cannot_touch_the_workshop(workshop, member_factory, other_site):
    outsider = member_factory(other_site, Role.MEDIATOR)
    with pytest.raises(DomainError):
        workshops.workshop_cancel(actor=outsider, workshop=workshop)
    volunteer = member_factory(workshop.site, Role.VOLUNTEER)
    with pytest.raises(DomainError):
        workshops.registration_by_mediator(
            actor=volunteer, workshop=workshop, first_name="Jean", phone=mobile(1)
        )


# --- online registration: caps and the words of the SMS -----------------------------------


def test_the_sms_holds_none_of_the_visitors_words(workshop):
    registration, sent = online(workshop, 1, first_name="Urgent colis bloqué payez https://x.y")

    assert sent
    text = sms_of(registration, workshops.CONFIRMATION)
    assert text.startswith("Bonjour.")
    assert "Urgent" not in text and "https://x.y" not in text
    assert "Envoyer une photo par e-mail" in text
    assert "Si vous n'avez rien demandé, ignorez ce message." in text


def test_at_most_three_coming_registrations_per_number(site):
    coming = [WorkshopFactory(site=site) for _ in range(4)]
    for workshop in coming[:3]:
        online(workshop, 1)

    with pytest.raises(DomainError, match="déjà inscrit à 3 ateliers"):
        online(coming[3], 1)
    # Another number is not concerned.
    assert online(coming[3], 2)[0].status == S.CONFIRMED


def test_the_same_number_twice_on_a_workshop_keeps_one_registration_and_one_sms(workshop):
    first, sent = online(workshop, 1)
    again, sent_again = online(workshop, 1, first_name="Autre")

    assert again.pk == first.pk and sent and not sent_again
    assert workshop.registrations.count() == 1
    assert Notification.objects.count() == 1


def test_one_confirmation_sms_a_day_per_number(site):
    one, two = WorkshopFactory(site=site), WorkshopFactory(site=site)
    assert online(one, 1)[1] is True
    registration, sent = online(two, 1)
    # Recorded, but the anonymous-form caps allow one acknowledgement a day per number.
    assert registration.status == S.CONFIRMED and sent is False
    assert Notification.objects.count() == 1


def test_online_registration_refuses_a_private_a_started_or_a_cancelled_workshop(site):
    private = WorkshopFactory(site=site, is_public=False)
    with pytest.raises(DomainError, match="appelez l'espace"):
        online(private, 1)
    started = WorkshopFactory(site=site, starts_at=timezone.now() - datetime.timedelta(minutes=5))
    with pytest.raises(DomainError, match="déjà commencé"):
        online(started, 1)
    cancelled = WorkshopFactory(site=site, cancelled_at=timezone.now())
    with pytest.raises(DomainError, match="annulé"):
        online(cancelled, 1)


def test_the_page_registers_with_a_first_name_and_a_mobile(client, workshop):
    response = client.post(register_url(workshop), {"first_name": "Awa", "phone": "06 12 34 56 01"})

    registration = WorkshopRegistration.objects.get()
    assert (registration.first_name, registration.phone) == ("Awa", "+33612345601")
    assert registration.registered_by is None
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("website:workshop_registered", kwargs={"pk": workshop.pk})
    )
    page = client.get(response["Location"])
    assert "Votre place est réservée" in text_of(page)


def test_the_page_asks_for_a_french_mobile(client, workshop):
    response = client.post(register_url(workshop), {"first_name": "Awa", "phone": "03 88 12 34 56"})
    assert response.status_code == 400
    assert "06 ou 07" in text_of(response)
    assert not WorkshopRegistration.objects.exists()


def test_a_robot_filling_the_honeypot_registers_nobody(client, workshop):
    response = client.post(
        register_url(workshop),
        {"first_name": "Bot", "phone": "06 12 34 56 01", "site_web": "http://spam.example"},
    )
    assert response.status_code == 302  # it looks like success
    assert not WorkshopRegistration.objects.exists()
    assert not Notification.objects.exists()


def test_a_site_takes_a_limited_number_of_online_registrations_an_hour(client, site, monkeypatch):
    monkeypatch.setattr(workshops, "SITE_HOURLY_LIMIT", 2)
    coming = [WorkshopFactory(site=site) for _ in range(3)]
    for n, workshop in enumerate(coming):
        response = client.post(
            register_url(workshop),
            {"first_name": "Awa", "phone": mobile(n)},
            REMOTE_ADDR=f"192.0.2.{n + 1}",  # another address each time: the site's cap bites
        )
    assert response.status_code == 429
    assert "appelez l'espace" in text_of(response)
    assert WorkshopRegistration.objects.count() == 2


def test_a_full_workshop_offers_the_waiting_list(client, workshop):
    online(workshop, 1)
    online(workshop, 2)

    page = text_of(client.get(register_url(workshop)))
    assert "Complet — liste d'attente" in page
    assert "M'inscrire sur la liste d'attente" in page

    response = client.post(register_url(workshop), {"first_name": "Léa", "phone": mobile(3)})
    assert "place=attente" in response["Location"]
    assert "liste d'attente" in text_of(client.get(response["Location"]))


# --- cancellation by the SMS link ---------------------------------------------------------


def test_the_link_cancels_only_with_the_button_and_only_its_hash_is_kept(client, workshop):
    first, _ = online(workshop, 1)
    online(workshop, 2)
    waiting, _ = online(workshop, 3)
    token = link_token(sms_of(first, workshops.CONFIRMATION))
    first.refresh_from_db()
    assert first.cancel_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in first.cancel_token_hash

    url = reverse("website:workshop_cancel", kwargs={"token": token})
    page = client.get(url)
    assert page.status_code == 200
    assert "Annuler ma place" in text_of(page)
    first.refresh_from_db()
    assert first.status == S.CONFIRMED  # a GET never cancels

    done = client.post(url)
    assert done.status_code == 200
    assert "Votre place est annulée" in text_of(done)
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.status, waiting.status) == (S.CANCELLED, S.CONFIRMED)
    assert Notification.objects.filter(template=workshops.MOVED_UP, subject_id=waiting.pk).exists()
    # Twice: nothing more happens.
    assert "déjà annulée" in text_of(client.get(url))


def test_a_wrong_link_is_a_404_page(client, workshop):
    WorkshopRegistrationFactory(workshop=workshop)
    response = client.post(reverse("website:workshop_cancel", kwargs={"token": "0" * 64}))
    assert response.status_code == 404
    assert "Ce lien ne marche pas" in text_of(response)


def test_a_forged_hash_match_is_not_enough(workshop):
    """A row whose stored hash matches a token that is not the derived one is refused."""
    forged = "a" * 64
    WorkshopRegistrationFactory(
        workshop=workshop, cancel_token_hash=hashlib.sha256(forged.encode()).hexdigest()
    )
    assert workshops.registration_for_token(forged) is None


# --- a cancelled workshop -----------------------------------------------------------------


def test_a_cancelled_workshop_texts_everyone_registered_or_waiting(workshop, manager):
    registrations = [online(workshop, n)[0] for n in range(3)]
    gone, _ = online(workshop, 4)
    workshops.registration_cancel(actor=manager, registration=gone)

    workshops.workshop_cancel(actor=manager, workshop=workshop)

    workshop.refresh_from_db()
    assert workshop.cancelled_at is not None
    told = set(
        Notification.objects.filter(template=workshops.CANCELLED).values_list(
            "subject_id", flat=True
        )
    )
    assert told == {r.pk for r in registrations}
    text = sms_of(registrations[0], workshops.CANCELLED)
    assert "est annulé" in text and "/ateliers/annuler/" not in text
    assert JournalEntry.objects.filter(action="workshop.cancelled").count() == 1
    with pytest.raises(DomainError, match="déjà annulé"):
        workshops.workshop_cancel(actor=manager, workshop=workshop)
    # It leaves the public agenda, and nobody registers any more.
    assert not workshop_selectors.public_upcoming_workshops().filter(pk=workshop.pk).exists()
    with pytest.raises(DomainError, match="annulé"):
        online(workshop, 9)


# --- the public agenda and the space's page -----------------------------------------------


def test_the_agenda_filters_by_city_and_theme_and_hides_private_and_past(client, network):
    strasbourg = SiteFactory(network=network, city="Strasbourg")
    paris = SiteFactory(network=network, city="Paris")
    email = WorkshopFactory(site=strasbourg, title="Atelier e-mail", theme=Theme.EMAIL)
    WorkshopFactory(site=strasbourg, title="Atelier santé", theme=Theme.SANTE)
    WorkshopFactory(site=paris, title="Atelier à Paris", theme=Theme.EMAIL)
    WorkshopFactory(site=paris, title="Atelier privé", is_public=False)
    WorkshopFactory(site=paris, title="Atelier annulé", cancelled_at=timezone.now())
    WorkshopFactory(
        site=paris, title="Atelier passé", starts_at=timezone.now() - datetime.timedelta(days=1)
    )

    page = text_of(client.get(AGENDA))
    assert "Atelier e-mail" in page and "Atelier à Paris" in page and "Atelier santé" in page
    assert "Atelier privé" not in page and "Atelier annulé" not in page
    assert "Atelier passé" not in page
    assert "3 ateliers à venir" in page

    page = text_of(client.get(AGENDA, {"ville": "Strasbourg", "theme": Theme.EMAIL}))
    assert "Atelier e-mail" in page
    assert "Atelier santé" not in page and "Atelier à Paris" not in page
    assert reverse("website:workshop_register", kwargs={"pk": email.pk}) in page


def test_the_agenda_costs_the_same_whatever_the_number_of_workshops(client, network):
    site = SiteFactory(network=network)
    WorkshopFactory(site=site)
    client.get(AGENDA)  # warm the session and caches

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(AGENDA).status_code == 200
        return len(queries)

    one = count()
    for n in range(20):
        workshop = WorkshopFactory(site=SiteFactory(network=network))
        WorkshopRegistrationFactory(workshop=workshop)
    assert count() == one


def test_a_spaces_page_shows_its_coming_workshops_and_full_ones(client, site):
    full = WorkshopFactory(site=site, capacity=1, title="Atelier plein")
    WorkshopRegistrationFactory(workshop=full)
    WorkshopFactory(site=site, capacity=5, title="Atelier ouvert")
    WorkshopFactory(site=site, title="Atelier interne", is_public=False)

    page = text_of(client.get(site.get_absolute_url()))
    assert "Ateliers à venir" in page
    assert "Atelier plein" in page and "Complet — liste d'attente" in page
    assert "Atelier ouvert" in page and "5 places libres" in page
    assert "Pour débuter" in page  # the level in words
    assert "Atelier interne" not in page


# --- the staff pages -----------------------------------------------------------------------


def test_a_mediator_plans_a_workshop_from_the_form(client, login, mediator, site):
    login(mediator)
    day = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        reverse("training:workshop_create"),
        {
            "title": "Faire ses courses en ligne",
            "theme": Theme.BANQUE_ET_ACHATS_EN_LIGNE,
            "level": "debutant",
            "day": day.isoformat(),
            "start_time": "14:00",
            "end_time": "16:00",
            "place": "Salle 2",
            "capacity": "10",
            "is_public": "on",
        },
    )
    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert workshop.site_id == site.pk and workshop.mediator == mediator.user
    assert timezone.localtime(workshop.starts_at).hour == 14
    assert JournalEntry.objects.filter(action="workshop.created").count() == 1


def test_the_detail_lists_registered_and_waiting_people(client, login, mediator, workshop):
    for n in range(3):
        online(workshop, n, first_name=f"Prénom{n}")
    login(mediator)
    page = client.get(reverse("training:workshop_detail", kwargs={"pk": workshop.pk}))
    text = text_of(page)
    assert "Prénom0" in text and "Prénom2" in text
    assert 'data-label="Personne"' in text
    assert '<a href="/espace-pro/formations/ateliers/" aria-current="page">Ateliers' in text
    assert JournalEntry.objects.filter(action="workshop.viewed").count() == 1


def test_inscrire_quelquun_then_cancel_from_the_staff_pages(client, login, mediator, workshop):
    login(mediator)
    url = reverse("training:workshop_register", kwargs={"pk": workshop.pk})
    response = client.post(
        url, {"mode": "someone", "first_name": "Jean", "phone": "06 11 22 33 44"}
    )
    assert response.status_code == 302
    registration = WorkshopRegistration.objects.get()
    assert registration.registered_by == mediator.user

    cancel = reverse("training:workshop_registration_cancel", kwargs={"pk": registration.pk})
    assert client.get(cancel).status_code == 200
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    assert client.post(cancel).status_code == 302
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED


def test_the_list_shows_coming_and_past_workshops(client, login, mediator, site, other_site):
    WorkshopFactory(site=site, title="Bientôt")
    WorkshopFactory(site=site, title="Hier", starts_at=timezone.now() - datetime.timedelta(days=1))
    WorkshopFactory(site=other_site, title="Ailleurs")
    login(mediator)
    coming = text_of(client.get(reverse("training:workshop_list")))
    past = text_of(client.get(reverse("training:workshop_list"), {"quand": "passes"}))
    assert "Bientôt" in coming and "Hier" not in coming and "Ailleurs" not in coming
    assert "Hier" in past and "Bientôt" not in past
