"""Notes on a file: the file's site team only, NIR refused, each write and read journaled,
paginated with a constant number of queries."""

import pytest
from django.urls import reverse

from tests.beneficiaries.factories import BeneficiaryFactory, FileNoteFactory
from tisser.beneficiaries import services
from tisser.beneficiaries.models import FileNote
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry

pytestmark = pytest.mark.django_db

NIR = "2 69 05 49 588 157 80"


def notes_url(beneficiary):
    return reverse("beneficiaries:notes", kwargs={"pk": beneficiary.pk})


def test_the_team_writes_a_note_and_it_is_journaled(team):
    beneficiary = BeneficiaryFactory(site=team.site)
    note = services.file_note_create(
        actor=team.mediator, beneficiary=beneficiary, text="  Rappeler lundi.  "
    )
    assert note.text == "Rappeler lundi." and note.author == team.mediator.user
    entry = JournalEntry.objects.get(action="note.created")
    assert entry.object_id == str(note.pk) and entry.payload == {"beneficiary": beneficiary.pk}
    assert "Rappeler" not in str(entry.payload)


def test_a_nir_in_a_note_is_refused(team, login):
    beneficiary = BeneficiaryFactory(site=team.site)
    with pytest.raises(DomainError, match="sécurité sociale"):
        services.file_note_create(actor=team.manager, beneficiary=beneficiary, text=f"NIR {NIR}")
    response = login(team.manager).post(notes_url(beneficiary), {"text": f"Son numéro : {NIR}"})
    assert response.status_code == 400
    assert "sécurité sociale" in response.content.decode()
    assert not FileNote.objects.exists()
    assert not JournalEntry.objects.filter(action="note.created").exists()


@pytest.mark.parametrize(
    "who", ["admin", "volunteer", "other_manager", "referrer", "funder_viewer", "foreign_admin"]
)
def test_only_the_files_site_team_writes_or_reads(team, who):
    beneficiary = BeneficiaryFactory(site=team.site)
    actor = getattr(team, who)
    with pytest.raises(DomainError):
        services.file_note_create(actor=actor, beneficiary=beneficiary, text="Bonjour")
    with pytest.raises(DomainError):
        services.file_notes_record_read(actor=actor, beneficiary=beneficiary, page=1)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 403),
        ("volunteer", 403),
        ("referrer", 403),
        ("funder_viewer", 403),
        ("other_manager", 404),
    ],
)
def test_the_notes_page_is_closed_to_others(team, login, who, status):
    note = FileNoteFactory(beneficiary__site=team.site, text="Secret de l'équipe")
    response = login(getattr(team, who)).get(notes_url(note.beneficiary))
    assert response.status_code == status
    assert "Secret" not in response.content.decode()


def test_reading_the_notes_is_journaled_and_paginated(team, login, django_assert_max_num_queries):
    beneficiary = BeneficiaryFactory(site=team.site)
    FileNoteFactory(beneficiary=beneficiary, text="Première note")
    client = login(team.mediator)
    client.get(notes_url(beneficiary))  # warm the session and caches
    with django_assert_max_num_queries(20) as one_row:
        response = client.get(notes_url(beneficiary))
    assert "Première note" in response.content.decode()
    FileNoteFactory.create_batch(60, beneficiary=beneficiary)
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = client.get(notes_url(beneficiary))
    assert "Page 1 sur 3" in response.content.decode()  # 61 notes, 25 a page
    reads = JournalEntry.objects.filter(action="note.read", object_id=str(beneficiary.pk))
    assert reads.count() == 3 and reads.first().actor == team.mediator.user


def test_the_file_page_links_to_the_notes_for_the_team_only(team, login):
    beneficiary = BeneficiaryFactory(site=team.site)
    assert (
        notes_url(beneficiary)
        in login(team.mediator).get(beneficiary.get_absolute_url()).content.decode()
    )
    assert (
        notes_url(beneficiary)
        not in login(team.volunteer).get(beneficiary.get_absolute_url()).content.decode()
    )
