"""Enrolment pages in Chromium on a 360 px phone (helper E): enrol a person from their file,
the cohort's list with its waiting list, the « Inscrire » search and the drop-out form, with
axe-core (no serious or critical violation) on each."""

import datetime

import pytest
from django.utils import timezone

from tests.e2e.demo_snapshot import seed_ci_demo
from tests.e2e.test_printouts_and_phone_lists import PHONE, assert_fits_the_phone, signed_in
from tests.training.factories import (
    CohortFactory,
    CohortSessionFactory,
    ProgrammeFactory,
    ProgrammeSessionFactory,
)
from tisser.accounts import demo
from tisser.accounts.models import Site
from tisser.beneficiaries.models import Beneficiary
from tisser.training.enums import EnrolmentStatus
from tisser.training.models import Enrolment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cohort():
    seed_ci_demo()
    site = Site.objects.get(name=demo.STRASBOURG_SITE)
    programme = ProgrammeFactory(network=site.network, partner=None, convention=None)
    plan = ProgrammeSessionFactory(programme=programme, position=1, modules=["mail-envoyer"])
    cohort = CohortFactory(site=site, programme=programme, capacity=1, name="Groupe du lundi")
    start = (timezone.now() + datetime.timedelta(days=3)).replace(hour=9, minute=0)
    CohortSessionFactory(cohort=cohort, plan=plan, starts_at=start)
    return cohort


def check(page, assert_accessible, heading: str) -> None:
    assert heading in page.get_by_role("heading", level=1).inner_text()
    assert_fits_the_phone(page)
    assert_accessible(page)


def test_a_manager_enrols_fills_the_waiting_list_and_notes_a_drop_out(
    new_page, cohort, assert_accessible
):
    files = list(Beneficiary.objects.filter(site=cohort.site).active().order_by("pk")[:2])
    page = signed_in(new_page, "responsable", **PHONE)

    # From the first person's file: « Inscrire à un programme ».
    page.goto(f"/espace-pro/formations/dossiers/{files[0].pk}/inscrire/")
    check(page, assert_accessible, "à un programme")
    page.get_by_role("button", name="Inscrire").first.click()
    page.wait_for_url(f"**/espace-pro/dossiers/{files[0].pk}/")

    # The cohort is full: the second person found by name goes to the waiting list.
    page.goto(f"/espace-pro/formations/groupes/{cohort.pk}/inscrire/?q={files[1].last_name}")
    check(page, assert_accessible, "Inscrire au groupe")
    assert "complet" in page.content()
    page.get_by_role("button", name=f"Inscrire {files[1].first_name}").first.click()
    page.wait_for_url(f"**/groupes/{cohort.pk}/inscriptions/")
    check(page, assert_accessible, "Inscrits du groupe")
    assert "Liste d'attente, n° 1" in page.content()

    # « Abandon »: a form sent without a reason says what is missing, then the seat moves.
    page.get_by_role("link", name="Abandon").first.click()
    page.wait_for_url("**/abandon/")
    check(page, assert_accessible, "Noter un abandon")
    page.get_by_role("button", name="Noter l'abandon").click()
    page.wait_for_load_state()
    assert "Choisissez un motif" in page.content()
    assert_accessible(page)
    page.get_by_label("A déménagé").check()
    page.get_by_role("button", name="Noter l'abandon").click()
    page.wait_for_url(f"**/groupes/{cohort.pk}/inscriptions/")
    assert Enrolment.objects.get(beneficiary=files[1], cohort=cohort).status == (
        EnrolmentStatus.ENROLLED
    )
    assert_fits_the_phone(page)
