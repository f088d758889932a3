"""The file services: rules, refusals and journal entries."""

import datetime

import pytest
from django.utils import timezone

from tests.beneficiaries.factories import BeneficiaryFactory, ConsentFactory
from tests.referrals.factories import ReferralFactory
from tisser.beneficiaries import services
from tisser.beneficiaries.enums import CURRENT_NOTICE_VERSION, ConsentKind
from tisser.beneficiaries.models import Beneficiary, Consent, FileNumberSequence
from tisser.core.errors import DomainError
from tisser.core.journal import FORBIDDEN_PAYLOAD_KEYS
from tisser.core.models import JournalEntry

pytestmark = pytest.mark.django_db

NIR = "1 85 05 78 006 084 36"


def person(**overrides):
    data = {
        "first_name": "Aïcha",
        "last_name": "Benali",
        "birth_year": 1984,
        "phone": "06 12 34 56 78",
        "notice_given_on": timezone.localdate(),
    }
    data.update(overrides)
    return data


def entries(action):
    return list(JournalEntry.objects.filter(action=action))


# --- create ------------------------------------------------------------------------------


def test_create_numbers_the_file_per_site_and_normalises(team):
    first = services.beneficiary_create(actor=team.mediator, site=team.site, data=person())
    second = services.beneficiary_create(
        actor=team.mediator,
        site=team.site,
        data=person(first_name="Marc", last_name="Klein", phone="", birth_year=1950),
    )
    code = team.site.short_code.upper()
    assert first.file_number == f"{code}-000001"
    assert second.file_number == f"{code}-000002"
    assert first.phone == "+33612345678"
    assert first.search_key == "benali aicha"
    assert first.notice_version == CURRENT_NOTICE_VERSION
    assert first.created_by == team.mediator.user
    assert first.last_contact_at is not None
    assert FileNumberSequence.objects.get(site=team.site).last_value == 2


def test_each_site_has_its_own_counter(team):
    mine = services.beneficiary_create(actor=team.manager, site=team.site, data=person())
    theirs = services.beneficiary_create(
        actor=team.other_manager, site=team.other_site, data=person(first_name="Paul")
    )
    assert mine.file_number.endswith("-000001")
    assert theirs.file_number.endswith("-000001")
    assert mine.file_number != theirs.file_number


def test_create_records_consents_and_journals_without_personal_data(team):
    beneficiary = services.beneficiary_create(
        actor=team.volunteer,
        site=team.site,
        data=person(),
        consents=[ConsentKind.PHOTOS, ConsentKind.NEWS_SMS],
    )
    assert set(beneficiary.consents.values_list("kind", flat=True)) == {"photos", "news_sms"}
    [entry] = entries("beneficiary.created")
    assert entry.actor == team.volunteer.user
    assert entry.object_id == str(beneficiary.pk)
    assert entry.site_id == team.site.pk
    assert entry.payload["source"] == "counter"
    assert entry.payload["duplicate_check_overridden"] is False
    assert not FORBIDDEN_PAYLOAD_KEYS & set(entry.payload)
    assert "Benali" not in str(entry.payload)


def test_network_admin_creates_in_any_site_of_the_network(team):
    beneficiary = services.beneficiary_create(actor=team.admin, site=team.other_site, data=person())
    assert beneficiary.site == team.other_site


@pytest.mark.parametrize(
    "who, message",
    [
        ("referrer", "Votre rôle ne permet pas"),
        ("funder_viewer", "Votre rôle ne permet pas"),
        ("other_manager", "Vous ne pouvez pas créer de dossier pour cet espace"),
        ("foreign_admin", "Vous ne pouvez pas créer de dossier pour cet espace"),
    ],
)
def test_create_is_refused_outside_the_staff_and_the_scope(team, who, message):
    with pytest.raises(DomainError, match=message):
        services.beneficiary_create(actor=getattr(team, who), site=team.site, data=person())
    assert not Beneficiary.objects.exists()
    assert not entries("beneficiary.created")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"first_name": NIR}, "numéro de sécurité sociale"),
        ({"last_name": f"Benali {NIR}"}, "numéro de sécurité sociale"),
        ({"commune": f"Strasbourg {NIR}"}, "numéro de sécurité sociale"),
        ({"phone": "12"}, "numéro de téléphone n'est pas valide"),
        ({"eligibility_criteria": ["RSA", "NIR"]}, "Critère inconnu"),
        ({"nationality": "DE"}, "Nationalité"),
        ({"notice_given_on": None}, "notice d'information"),
        ({"last_name": ""}, "Indiquez le nom"),
        ({"birth_year": 1800}, "Année de naissance"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_written(team, overrides, message):
    with pytest.raises(DomainError, match=message):
        services.beneficiary_create(actor=team.mediator, site=team.site, data=person(**overrides))
    assert not Beneficiary.objects.exists()
    assert not FileNumberSequence.objects.filter(last_value__gt=0).exists()


def test_unknown_fields_and_consents_are_refused(team):
    with pytest.raises(DomainError, match="ne peuvent pas être modifiés"):
        services.beneficiary_create(
            actor=team.mediator, site=team.site, data=person(file_number="X-1")
        )
    with pytest.raises(DomainError, match="Consentement inconnu"):
        services.beneficiary_create(
            actor=team.mediator, site=team.site, data=person(), consents=["advertising"]
        )
    assert not Beneficiary.objects.exists()


def test_a_likely_duplicate_stops_the_creation_until_confirmed(team):
    existing = BeneficiaryFactory(
        site=team.site, first_name="Aicha", last_name="BENALI", birth_year=1984
    )
    with pytest.raises(services.DuplicateSuspected) as refused:
        services.beneficiary_create(actor=team.mediator, site=team.site, data=person())
    assert [c.beneficiary for c in refused.value.candidates] == [existing]
    assert Beneficiary.objects.count() == 1

    created = services.beneficiary_create(
        actor=team.mediator, site=team.site, data=person(), force=True
    )
    assert Beneficiary.objects.count() == 2
    [entry] = entries("beneficiary.created")
    assert entry.object_id == str(created.pk)
    assert entry.payload["duplicate_check_overridden"] is True


def test_duplicates_of_another_site_are_not_shown_to_site_staff(team):
    BeneficiaryFactory(site=team.other_site, first_name="Aïcha", last_name="Benali")
    created = services.beneficiary_create(actor=team.mediator, site=team.site, data=person())
    assert created.pk
    # A network admin sees the whole network, so the same person is flagged for them.
    with pytest.raises(services.DuplicateSuspected):
        services.beneficiary_create(actor=team.admin, site=team.other_site, data=person())


# --- update ------------------------------------------------------------------------------


def test_update_changes_fields_search_key_and_journals(team):
    beneficiary = BeneficiaryFactory(site=team.site, first_name="Jean", last_name="Dupont")
    changed = services.beneficiary_update(
        actor=team.mediator,
        beneficiary=beneficiary,
        data={"last_name": "Dupond-Moreau", "phone": "+33 6 12 34 56 78", "first_name": "Jean"},
    )
    assert sorted(changed) == ["last_name", "phone"]
    beneficiary.refresh_from_db()
    assert beneficiary.search_key == "dupond moreau jean"
    assert beneficiary.phone == "+33612345678"
    [entry] = entries("beneficiary.updated")
    assert entry.payload == {"fields": changed}


def test_update_without_change_writes_nothing(team):
    beneficiary = BeneficiaryFactory(site=team.site, first_name="Jean")
    assert (
        services.beneficiary_update(
            actor=team.mediator, beneficiary=beneficiary, data={"first_name": "Jean"}
        )
        == []
    )
    assert not entries("beneficiary.updated")


@pytest.mark.parametrize(
    "who, message",
    [
        ("volunteer", "Votre rôle ne permet pas"),
        ("referrer", "Votre rôle ne permet pas"),
        ("other_manager", "n'est pas accessible"),
    ],
)
def test_update_refusals(team, who, message):
    beneficiary = BeneficiaryFactory(site=team.site, first_name="Jean")
    with pytest.raises(DomainError, match=message):
        services.beneficiary_update(
            actor=getattr(team, who), beneficiary=beneficiary, data={"first_name": "Paul"}
        )
    beneficiary.refresh_from_db()
    assert beneficiary.first_name == "Jean"


def test_a_merged_file_can_no_longer_be_changed(team):
    kept = BeneficiaryFactory(site=team.site)
    merged = BeneficiaryFactory(site=team.site, merged_into=kept, first_name="Jean")
    with pytest.raises(DomainError, match="fusionné"):
        services.beneficiary_update(
            actor=team.manager, beneficiary=merged, data={"first_name": "Paul"}
        )
    with pytest.raises(DomainError, match="fusionné"):
        services.consent_give(actor=team.manager, beneficiary=merged, kind=ConsentKind.PHOTOS)


def test_update_refuses_nir_shaped_text(team):
    beneficiary = BeneficiaryFactory(site=team.site, commune="Strasbourg")
    with pytest.raises(DomainError, match="numéro de sécurité sociale"):
        services.beneficiary_update(
            actor=team.mediator, beneficiary=beneficiary, data={"commune": f"n° {NIR}"}
        )
    beneficiary.refresh_from_db()
    assert beneficiary.commune == "Strasbourg"


# --- consents ----------------------------------------------------------------------------


def test_consents_are_separate_withdrawable_and_keep_their_history(team):
    beneficiary = BeneficiaryFactory(site=team.site)
    services.consent_give(actor=team.volunteer, beneficiary=beneficiary, kind="photos")
    services.consent_give(actor=team.volunteer, beneficiary=beneficiary, kind="news_sms")
    with pytest.raises(DomainError, match="déjà donné"):
        services.consent_give(actor=team.volunteer, beneficiary=beneficiary, kind="photos")

    withdrawn = services.consent_withdraw(
        actor=team.mediator, beneficiary=beneficiary, kind="photos"
    )
    assert withdrawn.withdrawn_at is not None
    assert beneficiary.consents.get(kind="news_sms").withdrawn_at is None
    with pytest.raises(DomainError, match="rien à retirer"):
        services.consent_withdraw(actor=team.mediator, beneficiary=beneficiary, kind="photos")

    services.consent_give(actor=team.mediator, beneficiary=beneficiary, kind="photos")
    photos = beneficiary.consents.filter(kind="photos").order_by("given_at")
    assert [c.withdrawn_at is None for c in photos] == [False, True]
    assert [e.payload["kind"] for e in entries("beneficiary.consent_given")] == [
        "photos",
        "news_sms",
        "photos",
    ][::-1]  # the journal lists newest first
    assert len(entries("beneficiary.consent_withdrawn")) == 1


def test_consent_refusals(team):
    beneficiary = BeneficiaryFactory(site=team.site)
    with pytest.raises(DomainError, match="Consentement inconnu"):
        services.consent_give(actor=team.mediator, beneficiary=beneficiary, kind="ads")
    with pytest.raises(DomainError, match="Votre rôle"):
        services.consent_give(actor=team.referrer, beneficiary=beneficiary, kind="photos")
    with pytest.raises(DomainError, match="n'est pas accessible"):
        services.consent_give(actor=team.other_manager, beneficiary=beneficiary, kind="photos")
    assert not Consent.objects.exists()


# --- reads -------------------------------------------------------------------------------


def test_opening_a_file_is_journaled(team):
    beneficiary = BeneficiaryFactory(site=team.site)
    services.beneficiary_record_view(actor=team.volunteer, beneficiary=beneficiary)
    [entry] = entries("beneficiary.viewed")
    assert entry.actor == team.volunteer.user
    assert entry.object_type == "beneficiaries.beneficiary"
    assert entry.object_id == str(beneficiary.pk)
    assert entry.site_id == team.site.pk
    assert entry.created_at <= timezone.now()


# --- referrals -----------------------------------------------------------------------------


def test_a_file_is_created_from_a_referral(team):
    referral = ReferralFactory(
        site=team.site,
        submitted=True,
        first_name="Zoé",
        last_name="Keller",
        birth_year=1999,
        phone="+33698765432",
        eligibility_criteria=["JEUNE", "RSA"],
        notice_version="2025-01",
    )
    beneficiary = services.beneficiary_for_referral(actor=team.mediator, referral=referral)
    assert (beneficiary.first_name, beneficiary.last_name, beneficiary.birth_year) == (
        "Zoé",
        "Keller",
        1999,
    )
    assert beneficiary.site == team.site
    assert beneficiary.phone == "+33698765432"
    assert beneficiary.eligibility_criteria == ["RSA", "JEUNE"]
    assert beneficiary.notice_version == "2025-01"
    assert beneficiary.notice_given_on == timezone.localdate(referral.submitted_at)
    referral.refresh_from_db()
    assert referral.beneficiary == beneficiary
    [entry] = entries("beneficiary.created")
    assert entry.payload["source"] == "referral"
    assert entry.payload["referral"] == referral.pk

    again = services.beneficiary_for_referral(actor=team.mediator, referral=referral)
    assert again == beneficiary
    assert Beneficiary.objects.count() == 1


def test_a_public_request_with_a_first_name_only_still_gets_a_file(team):
    referral = ReferralFactory(
        site=team.site,
        submitted=True,
        partner=None,
        referrer=None,
        source="public_request",
        last_name="",
        notice_version="",
    )
    beneficiary = services.beneficiary_for_referral(actor=team.mediator, referral=referral)
    assert beneficiary.last_name == ""
    assert beneficiary.notice_version == CURRENT_NOTICE_VERSION
    assert beneficiary.notice_given_on == timezone.localdate()


def test_a_referral_can_be_linked_to_an_existing_file_following_merges(team):
    kept = BeneficiaryFactory(site=team.site)
    old = BeneficiaryFactory(site=team.site, merged_into=kept)
    referral = ReferralFactory(site=team.site, submitted=True)
    linked = services.beneficiary_for_referral(actor=team.mediator, referral=referral, existing=old)
    assert linked == kept
    referral.refresh_from_db()
    assert referral.beneficiary == kept
    [entry] = entries("beneficiary.linked")
    assert entry.payload["referral"] == referral.pk
    assert Beneficiary.objects.count() == 2


def test_linking_a_file_of_another_network_or_site_is_refused(team):
    referral = ReferralFactory(site=team.site, submitted=True)
    foreign = BeneficiaryFactory(site=team.foreign_site)
    with pytest.raises(DomainError, match="autre réseau"):
        services.beneficiary_for_referral(actor=team.mediator, referral=referral, existing=foreign)
    elsewhere = BeneficiaryFactory(site=team.other_site)
    with pytest.raises(DomainError, match="n'est pas accessible"):
        services.beneficiary_for_referral(
            actor=team.mediator, referral=referral, existing=elsewhere
        )
    referral.refresh_from_db()
    assert referral.beneficiary is None


def test_the_system_may_create_the_file_without_a_member(team):
    referral = ReferralFactory(site=team.site, submitted=True)
    beneficiary = services.beneficiary_for_referral(actor=None, referral=referral)
    assert beneficiary.created_by is None
    assert entries("beneficiary.created")[0].actor is None


def test_consent_factory_builds_an_active_consent(team):
    consent = ConsentFactory(beneficiary=BeneficiaryFactory(site=team.site))
    assert consent.withdrawn_at is None
    assert consent.given_at <= timezone.now() + datetime.timedelta(seconds=1)
