"""The printed summary of a bon d'orientation (one-page PDF) and the information notice."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from tests.accounts.factories import OpeningHoursFactory
from tests.referrals.actions import prepare
from tisser.beneficiaries.enums import CURRENT_NOTICE_VERSION
from tisser.core.models import JournalEntry
from tisser.referrals.enums import ReferralStatus

S = ReferralStatus


def pdf_pages(response) -> list[str]:
    """The text of each page of a PDF response (whitespace folded, as a reader sees it)."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def summary_url(referral):
    return reverse("referrals:summary_pdf", kwargs={"pk": referral.pk})


@pytest.fixture
def accepted(world):
    world.site.phone = "03 88 12 34 56"
    world.site.save(update_fields=["phone"])
    OpeningHoursFactory(
        site=world.site, weekday=1, opens_at=datetime.time(9), closes_at=datetime.time(12, 30)
    )
    # A name without digits: a factory's sequence number could read as the birth year.
    world.partner.name = "Mission locale de Strasbourg"
    world.partner.phone = "+33388998877"
    world.partner.save(update_fields=["name", "phone"])
    return prepare(
        world,
        S.ACCEPTED,
        first_name="Aïcha",
        last_name="Ben Salah",
        birth_year=1984,
        phone="+33612345678",
        reason="Motif confidentiel de l'orientation",
        needs=["online_procedures", "connection"],
    )


@pytest.mark.parametrize("who", ["referrer", "manager", "mediator"])
def test_the_summary_is_one_page_with_where_when_what_and_whom(login, world, accepted, who):
    response = login(getattr(world, who)).get(summary_url(accepted))
    pages = pdf_pages(response)
    assert len(pages) == 1
    text = pages[0]
    assert response["Content-Disposition"] == f'inline; filename="bon-{accepted.reference}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert "Aïcha, vous êtes attendu" in text
    assert world.site.name in text and world.site.address in text
    assert "03 88 12 34 56" in text
    assert "Mardi : de 9 h à 12 h 30" in text
    appointment = accepted.appointments.get()
    assert appointment.place in text
    assert "Les papiers de la démarche" in text and "pièce d'identité" in text
    assert world.partner.name in text and "03 88 99 88 77" in text
    assert world.referrer.user.email in text
    # Nothing more sensitive than needed: no reason, no surname, no birth year, no phone.
    assert "Motif confidentiel" not in text
    assert "Ben Salah" not in text
    assert not re.search(r"(?<![\w-])1984(?!\w)", text)  # the year alone, not in an id
    assert "12 34 56 78" not in text and "612345678" not in text


def test_printing_the_summary_is_journaled(login, world, accepted):
    login(world.referrer).get(summary_url(accepted))
    entry = JournalEntry.objects.get(action="referral.summary_printed")
    assert entry.actor == world.referrer.user
    assert entry.object_id == str(accepted.pk) or entry.object_id == accepted.pk
    assert entry.site_id == world.site.pk


def test_before_an_appointment_the_summary_says_the_space_will_call(login, world):
    referral = prepare(world, S.SUBMITTED)
    text = pdf_pages(login(world.referrer).get(summary_url(referral)))[0]
    assert "L'espace va vous contacter pour vous donner un rendez-vous" in text
    assert "Les horaires ne sont pas encore indiqués" in text


@pytest.mark.parametrize("status", [S.DRAFT, S.CANCELLED, S.REJECTED, S.EXPIRED])
def test_a_settled_or_unsent_bon_has_no_summary(login, world, status):
    referral = prepare(world, status)
    response = login(world.referrer).get(summary_url(referral))
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", kwargs={"pk": referral.pk})
    assert not JournalEntry.objects.filter(action="referral.summary_printed").exists()


@pytest.mark.parametrize("who", ["volunteer", "admin", "funder_viewer"])
def test_other_roles_of_the_network_may_not_print_it(login, world, accepted, who):
    assert login(getattr(world, who)).get(summary_url(accepted)).status_code in (403, 404)
    assert not JournalEntry.objects.filter(action="referral.summary_printed").exists()


@pytest.mark.parametrize("who", ["other_referrer", "other_manager", "foreign_admin"])
def test_outsiders_get_404(login, world, accepted, who):
    assert login(getattr(world, who)).get(summary_url(accepted)).status_code == 404


def test_the_detail_page_links_to_the_summary_for_its_people_only(login, world, accepted):
    assert summary_url(accepted) in login(world.referrer).get(accepted.get_absolute_url()).text
    assert summary_url(accepted) in login(world.mediator).get(accepted.get_absolute_url()).text
    assert summary_url(accepted) not in login(world.admin).get(accepted.get_absolute_url()).text


def test_the_summary_costs_the_same_queries_whatever_the_hours(login, world, accepted):
    client = login(world.referrer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(summary_url(accepted)).status_code == 200
        return len(context)

    queries()  # warms the per-process caches (session, navigation)
    with_one_day = queries()
    for weekday in (0, 2, 3, 4, 5):
        OpeningHoursFactory(site=world.site, weekday=weekday)
        OpeningHoursFactory(
            site=world.site,
            weekday=weekday,
            opens_at=datetime.time(14),
            closes_at=datetime.time(18),
        )
    assert queries() == with_one_day
    # A full week of split days still fits on the one page.
    assert len(pdf_pages(client.get(summary_url(accepted)))) == 1


# --- the information notice --------------------------------------------------------------


@pytest.mark.parametrize("who", ["referrer", "manager", "mediator", "volunteer", "admin"])
def test_the_notice_is_a_one_page_pdf_for_whoever_hands_it_out(login, world, who):
    pages = pdf_pages(login(getattr(world, who)).get(reverse("beneficiaries:notice_pdf")))
    assert len(pages) == 1
    assert "Vos données personnelles" in pages[0]
    assert "numéro de sécurité sociale" in pages[0]
    assert f"version {CURRENT_NOTICE_VERSION}" in pages[0]
    assert "CNIL" in pages[0]


def test_a_funder_gets_no_notice(login, world):
    assert login(world.funder_viewer).get(reverse("beneficiaries:notice_pdf")).status_code == 403


def test_the_referral_form_links_to_the_notice(login, world):
    page = login(world.referrer).get(reverse("referrals:create")).text
    assert reverse("beneficiaries:notice_pdf") in page
