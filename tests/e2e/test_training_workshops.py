"""Issue 15 in Chromium on a 360×740 phone: a mediator plans a workshop and registers
someone; a person finds a workshop on a space's public page, registers with a first name and a mobile, gets the SMS (its text read from the
queued notification, as it would leave), opens the cancellation link and cancels with the
button; axe-core finds no serious or critical violation on the agenda, the registration
page and the cancellation page."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.accounts.factories import NetworkFactory, SiteFactory
from tests.e2e.test_printouts_and_phone_lists import PHONE, assert_fits_the_phone, signed_in
from tests.training.factories import WorkshopFactory
from tisser.accounts import demo
from tisser.notifications.models import Notification
from tisser.notifications.services import render
from tisser.training import workshops
from tisser.training.enums import RegistrationStatus
from tisser.training.models import WorkshopRegistration

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workshop():
    site = SiteFactory(
        network=NetworkFactory(), name="Espace Gare", city="Strasbourg", phone="+33388123456"
    )
    return WorkshopFactory(
        site=site, title="Envoyer une photo par e-mail", place="Salle informatique", capacity=6
    )


def test_a_person_registers_from_the_spaces_page_and_cancels_by_the_sms_link(
    new_page, workshop, assert_accessible
):
    page = new_page(**PHONE)
    page.goto("/ateliers/")
    assert page.get_by_role("heading", name="Envoyer une photo par e-mail").is_visible()
    assert_fits_the_phone(page)
    assert_accessible(page)

    page.goto(workshop.site.get_absolute_url())
    section = page.locator("section", has=page.get_by_role("heading", name="Ateliers à venir"))
    assert "6 places libres" in section.inner_text()
    section.get_by_role("link", name=re.compile("^S'inscrire")).click()

    page.wait_for_url(f"**/ateliers/{workshop.pk}/inscription/")
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.get_by_label("Votre prénom").fill("Awa")
    page.get_by_label("Votre numéro de portable").fill("06 12 34 56 78")
    page.get_by_role("button", name="Réserver ma place").click()

    page.wait_for_url(f"**/ateliers/{workshop.pk}/inscription/merci/**")
    assert page.get_by_role("heading", name="Votre place est réservée").is_visible()
    registration = WorkshopRegistration.objects.get(workshop=workshop)
    assert registration.phone == "+33612345678"

    # The SMS as it leaves: our words, the workshop's facts, the link; not the first name.
    notification = Notification.objects.get(
        template=workshops.CONFIRMATION, subject_id=registration.pk
    )
    text = render(notification)["sms"]
    assert "Envoyer une photo par e-mail" in text and "Awa" not in text
    path = re.search(r"/ateliers/annuler/[0-9a-f]+/", text).group(0)

    page.goto(path)
    assert page.get_by_role("heading", name="Annuler ma place").is_visible()
    assert_fits_the_phone(page)
    assert_accessible(page)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED  # opening the link changes nothing

    page.get_by_role("button", name="Annuler ma place").click()
    page.get_by_role("heading", name="Votre place est annulée").wait_for()
    assert_accessible(page)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert not page.watcher.problems, page.watcher.problems


def test_a_mediator_plans_a_workshop_and_registers_someone_on_a_phone(new_page, assert_accessible):
    """The staff side on a phone: plan a workshop, « Inscrire quelqu'un », see the list."""
    demo.seed_demo_network()
    page = signed_in(new_page, "mediateur", **PHONE)

    page.goto("/espace-pro/formations/ateliers/")
    assert_accessible(page)
    page.get_by_role("link", name="Prévoir un atelier").click()
    page.wait_for_url("**/ateliers/nouveau/")
    assert_fits_the_phone(page)
    assert_accessible(page)
    day = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    page.get_by_label("Titre").fill("Découvrir les visios")
    page.get_by_label("Date").fill(day)
    page.get_by_label("Heure de début").fill("14:00")
    page.get_by_label("Heure de fin").fill("16:00")
    page.get_by_label("Nombre de places").fill("1")
    page.get_by_role("button", name="Prévoir l'atelier").click()

    page.get_by_role("heading", level=1, name="Découvrir les visios").wait_for()
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.get_by_role("link", name="Inscrire quelqu'un").click()
    page.get_by_role("heading", level=1, name="Inscrire quelqu'un").wait_for()
    assert_accessible(page)
    page.get_by_label("Prénom").fill("Jean")
    page.get_by_label("Téléphone").fill("06 11 22 33 44")
    page.get_by_role("button", name="Inscrire", exact=True).click()

    page.get_by_role("heading", level=1, name="Découvrir les visios").wait_for()
    assert page.get_by_role("cell", name="Jean").is_visible()
    assert_fits_the_phone(page)
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems
