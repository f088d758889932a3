"""Signature sheets (feuilles d'émargement): one per session, one per half-day over 13:00."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.training.roll_helpers import a_class
from tisser.core.models import JournalEntry
from tisser.training.sheets import half_days

pytestmark = pytest.mark.django_db


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def at(hour, minute=0):
    return timezone.make_aware(datetime.datetime(2026, 3, 2, hour, minute))


class Session:
    def __init__(self, start, end):
        self.starts_at, self.ends_at = start, end


def test_a_session_over_one_o_clock_is_signed_morning_and_afternoon():
    day = half_days(Session(at(9), at(17)))
    assert [(h.key, h.starts_at.hour, h.ends_at.hour) for h in day] == [
        ("morning", 9, 13),
        ("afternoon", 13, 17),
    ]
    assert [h.key for h in half_days(Session(at(9), at(13)))] == ["day"]
    assert [h.label for h in half_days(Session(at(9), at(12, 30)))] == ["Matin"]
    assert [h.label for h in half_days(Session(at(14), at(17)))] == ["Après-midi"]


def test_the_sheet_lists_each_person_with_the_session_facts(login):
    group = a_class()
    trainer = group.trainer.user
    trainer.first_name, trainer.last_name = "Jeanne", "Formatrice"
    trainer.save()
    client = login(group.mediator)
    response = client.get(reverse("training:signature_sheet", kwargs={"pk": group.session.pk}))
    (page,) = pdf_pages(response)
    assert "Feuille d'émargement" in page
    assert group.cohort.programme.name in page
    assert "Mon CV en ligne" in page
    assert "lundi 2 mars 2026" in page
    assert "de 09h00 à 13h00" in page
    assert "Salle Rhin" in page
    assert "Jeanne Formatrice" in page
    for enrolment in group.enrolments:
        assert enrolment.beneficiary.last_name in page
    assert "Signature du formateur" in page
    assert "no-store" in response["Cache-Control"]
    entry = JournalEntry.objects.get(action="training.signature_sheet_printed")
    assert entry.payload == {"half_day": ["day"]}


def test_a_full_day_prints_two_sheets(login):
    group = a_class(minutes=480)
    client = login(group.manager)
    response = client.get(reverse("training:signature_sheet", kwargs={"pk": group.session.pk}))
    morning, afternoon = pdf_pages(response)
    assert "Matin" in morning and "de 09h00 à 13h00" in morning
    assert "Après-midi" in afternoon and "de 13h00 à 17h00" in afternoon
    assert all(e.beneficiary.last_name in afternoon for e in group.enrolments)
