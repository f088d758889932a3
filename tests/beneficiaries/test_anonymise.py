"""Anonymising a file: who the person is goes for good, every record the figures use stays."""

import pytest
from django.utils import timezone

from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import (
    AccompanimentPeriodFactory,
    BeneficiaryFactory,
    FileNoteFactory,
)
from tests.referrals.factories import AppointmentFactory, ReferralFactory
from tests.reporting.marks_helpers import clear_marks, explode, marks, rolled_back
from tests.sales.factories import SaleFactory
from tests.training.factories import WorkshopRegistrationFactory
from tisser.activities.models import Activity, Participation
from tisser.beneficiaries import services
from tisser.beneficiaries.models import AccompanimentPeriod, Beneficiary, FileNote
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.core.stale_figures import PEOPLE
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.models import Appointment, Referral
from tisser.sales.models import Sale
from tisser.training.models import WorkshopRegistration

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(team):
    return BeneficiaryFactory(
        site=team.site,
        first_name="Awa",
        last_name="Diallo",
        birth_year=1961,
        phone="+33612345678",
        email="awa.diallo@example.org",
        postal_code="67100",
        commune="Strasbourg",
        social_status="retraite",
    )


def test_names_contacts_and_notes_go_the_statistics_fields_stay(team, person):
    FileNoteFactory(beneficiary=person, text="Sa fille l'aide pour ses papiers.")
    period = AccompanimentPeriodFactory(beneficiary=person, site=team.site)
    AccompanimentPeriod.objects.filter(pk=period.pk).update(close_note="Partie chez sa fille")

    services.beneficiary_anonymise(actor=team.manager, beneficiary=person)

    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.phone, person.email) == (
        "Anonyme",
        "",
        "",
        "",
    )
    assert person.anonymised_at is not None
    assert "diallo" not in person.search_key
    # Kept: what the statistics count (age bands, residence, situation) and the file itself.
    assert (person.birth_year, person.postal_code, person.commune) == (1961, "67100", "Strasbourg")
    assert person.social_status == "retraite" and person.site_id == team.site.pk
    assert not FileNote.objects.filter(beneficiary=person).exists()
    assert AccompanimentPeriod.objects.get(pk=period.pk).close_note == ""
    entry = JournalEntry.objects.get(action="beneficiary.anonymised")
    assert entry.payload["file_number"] == person.file_number
    assert "Diallo" not in str(entry.payload)


def test_the_other_apps_erase_their_own_free_text_and_keep_their_records(team, person):
    own = ActivityFactory(site=team.site, notes="Awa veut écrire à sa fille à Dakar.")
    ParticipationFactory(activity=own, beneficiary=person)
    group = ActivityFactory(site=team.site, kind="collectif", notes="Bon groupe, à refaire.")
    ParticipationFactory(activity=group, beneficiary=person)
    ParticipationFactory(activity=group, beneficiary=BeneficiaryFactory(site=team.site))
    referral = ReferralFactory(
        site=team.site,
        beneficiary=person,
        status=ReferralStatus.CONSUMED,
        first_name="Awa",
        last_name="Diallo",
        phone="+33612345678",
        email="awa.diallo@example.org",
        reason="Veut apprendre à faire ses démarches de retraite.",
        import_key="a" * 64,
    )
    appointment = AppointmentFactory(
        referral=referral, beneficiary=person, reason="Retraite de Mme Diallo"
    )
    sale = SaleFactory(site=team.site, beneficiary=person, note="Paie pour sa fille aussi.")
    seat = WorkshopRegistrationFactory(beneficiary=person, first_name="Awa")

    services.beneficiary_anonymise(actor=team.admin, beneficiary=person)

    assert Activity.objects.get(pk=own.pk).notes == ""
    assert Activity.objects.get(pk=group.pk).notes == "Bon groupe, à refaire.", (
        "a group record's notes are about the group"
    )
    assert Participation.objects.filter(beneficiary=person).count() == 2
    referral = Referral.objects.get(pk=referral.pk)
    assert (referral.first_name, referral.last_name, referral.phone, referral.email) == (
        "Anonyme",
        "",
        "",
        "",
    )
    assert referral.reason == "" and referral.import_key == ""
    assert referral.status == ReferralStatus.CONSUMED
    assert Appointment.objects.get(pk=appointment.pk).reason == ""
    assert Sale.objects.get(pk=sale.pk).note == ""
    seat = WorkshopRegistration.objects.get(pk=seat.pk)
    assert (seat.first_name, seat.phone, seat.beneficiary_id) == ("Anonyme", "", person.pk)


def test_the_files_merged_into_it_are_the_same_person_and_are_erased_too(team, person):
    duplicate = BeneficiaryFactory(site=team.site, first_name="Awa", last_name="Dialo")
    services.beneficiary_merge(
        actor=team.manager, kept=person, duplicate=duplicate, reason="Même personne"
    )
    services.beneficiary_anonymise(actor=team.manager, beneficiary=person)
    duplicate.refresh_from_db()
    assert (duplicate.first_name, duplicate.last_name) == ("Anonyme", "")
    assert duplicate.merged_into_id == person.pk


def test_the_file_is_marked_for_the_figures_on_the_day_it_was_opened(team, person):
    clear_marks()
    services.beneficiary_anonymise(actor=team.manager, beneficiary=person)
    assert marks() == {(team.site.pk, timezone.localdate(person.created_at), PEOPLE)}


def test_a_failed_anonymisation_changes_nothing(team, person, monkeypatch):
    monkeypatch.setattr(services, "record", explode)
    rolled_back(lambda: services.beneficiary_anonymise(actor=team.manager, beneficiary=person))
    person.refresh_from_db()
    assert person.first_name == "Awa" and person.anonymised_at is None


def test_a_merged_file_and_an_anonymised_one_are_refused_in_french(team, person):
    duplicate = BeneficiaryFactory(site=team.site)
    services.beneficiary_merge(
        actor=team.manager, kept=person, duplicate=duplicate, reason="Même personne"
    )
    with pytest.raises(DomainError, match="anonymisez le dossier conservé"):
        services.beneficiary_anonymise(actor=team.manager, beneficiary=duplicate)
    services.beneficiary_anonymise(actor=team.manager, beneficiary=person)
    with pytest.raises(DomainError, match="déjà anonymisé"):
        services.beneficiary_anonymise(actor=team.manager, beneficiary=person)
    assert JournalEntry.objects.filter(action="beneficiary.anonymised").count() == 1


@pytest.mark.parametrize("who", ["mediator", "volunteer", "other_manager", "foreign_admin"])
def test_only_the_network_admin_and_the_files_site_manager_may(team, person, who):
    with pytest.raises(DomainError):
        services.beneficiary_anonymise(actor=getattr(team, who), beneficiary=person)
    assert Beneficiary.objects.get(pk=person.pk).anonymised_at is None


def test_an_anonymised_file_is_no_longer_changed_nor_merged(team, person):
    services.beneficiary_anonymise(actor=team.manager, beneficiary=person)
    with pytest.raises(DomainError, match="anonymisé"):
        services.beneficiary_update(
            actor=team.manager, beneficiary=person, data={"first_name": "Awa"}
        )
    other = BeneficiaryFactory(site=team.site)
    with pytest.raises(DomainError, match="anonymisé"):
        services.beneficiary_merge(
            actor=team.manager, kept=person, duplicate=other, reason="Même personne"
        )
    assert Beneficiary.objects.filter(pk=person.pk, file_number=person.file_number).exists()
