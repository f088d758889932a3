"""Merging a duplicate file into the kept one: every linked record moves, nothing is lost."""

import pytest

from tests.beneficiaries.factories import BeneficiaryFactory, ConsentFactory
from tests.notifications.factories import NotificationFactory
from tests.referrals.factories import ReferralFactory
from tisser.beneficiaries import services
from tisser.beneficiaries.models import Beneficiary
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.notifications.models import Notification
from tisser.referrals.models import Referral

pytestmark = pytest.mark.django_db

REASON = "Même personne : nom mal orthographié à l'accueil."


@pytest.fixture
def pair(team):
    kept = BeneficiaryFactory(
        site=team.site, first_name="Sophie", last_name="Martin", birth_year=1970, phone=""
    )
    duplicate = BeneficiaryFactory(
        site=team.site,
        first_name="Sophie",
        last_name="Matrin",
        birth_year=1970,
        phone="+33612345678",
        commune="Schiltigheim",
        eligibility_criteria=["RSA"],
    )
    return kept, duplicate


def test_every_linked_record_moves_to_the_kept_file(team, pair):
    kept, duplicate = pair
    referrals = [
        ReferralFactory(site=team.site, submitted=True, beneficiary=duplicate) for _ in range(2)
    ]
    own_referral = ReferralFactory(site=team.site, submitted=True, beneficiary=kept)
    # Messages point to their referral (a generic subject), so they follow it to the kept file.
    notifications = [NotificationFactory(site=team.site, subject=referrals[0])]

    services.beneficiary_merge(actor=team.manager, kept=kept, duplicate=duplicate, reason=REASON)

    assert set(Referral.objects.filter(beneficiary=kept)) == {*referrals, own_referral}
    kept_referrals = Referral.objects.filter(beneficiary=kept).values("pk")
    assert set(Notification.objects.about("referrals.referral", kept_referrals)) == set(
        notifications
    )
    assert not Referral.objects.filter(beneficiary=duplicate).exists()


def test_the_duplicate_stays_stored_and_the_kept_file_fills_its_blanks(team, pair):
    kept, duplicate = pair
    services.beneficiary_merge(actor=team.manager, kept=kept, duplicate=duplicate, reason=REASON)
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    assert duplicate.merged_into == kept
    assert duplicate.last_name == "Matrin"  # nothing of the duplicate is erased
    assert kept.phone == "+33612345678"
    assert kept.commune == "Schiltigheim"
    assert kept.eligibility_criteria == ["RSA"]
    assert kept.last_name == "Martin"  # what the kept file knows wins
    assert list(Beneficiary.objects.active()) == [kept]


def test_the_merge_is_journaled_with_its_reason(team, pair):
    kept, duplicate = pair
    ReferralFactory(site=team.site, submitted=True, beneficiary=duplicate)
    services.beneficiary_merge(actor=team.admin, kept=kept, duplicate=duplicate, reason=REASON)
    [entry] = JournalEntry.objects.filter(action="beneficiary.merged")
    assert entry.actor == team.admin.user
    assert entry.object_id == str(kept.pk)
    assert entry.site_id == team.site.pk
    assert entry.reason == REASON
    assert entry.payload["kept"] == kept.pk
    assert entry.payload["duplicate"] == duplicate.pk
    assert entry.payload["moved"] == {"referrals.referral.beneficiary": 1}
    assert "phone" in entry.payload["filled"]


def test_consents_follow_and_keep_one_active_per_kind(team, pair):
    kept, duplicate = pair
    ConsentFactory(beneficiary=kept, kind="photos")
    ConsentFactory(beneficiary=duplicate, kind="photos")
    ConsentFactory(beneficiary=duplicate, kind="news_sms")
    services.beneficiary_merge(actor=team.manager, kept=kept, duplicate=duplicate, reason=REASON)
    consents = kept.consents.all()
    assert len(consents) == 3
    assert sorted(c.kind for c in consents if c.withdrawn_at is None) == ["news_sms", "photos"]
    assert not duplicate.consents.exists()


def test_files_merged_earlier_into_the_duplicate_now_point_to_the_kept_file(team, pair):
    kept, duplicate = pair
    older = BeneficiaryFactory(site=team.site, merged_into=duplicate)
    services.beneficiary_merge(actor=team.manager, kept=kept, duplicate=duplicate, reason=REASON)
    older.refresh_from_db()
    assert older.merged_into == kept


def test_a_network_admin_merges_across_the_sites_of_the_network(team):
    kept = BeneficiaryFactory(site=team.site)
    duplicate = BeneficiaryFactory(site=team.other_site)
    ReferralFactory(site=team.other_site, submitted=True, beneficiary=duplicate)
    services.beneficiary_merge(actor=team.admin, kept=kept, duplicate=duplicate, reason=REASON)
    assert kept.referrals.count() == 1


@pytest.mark.parametrize(
    "case, message",
    [
        ("itself", "avec lui-même"),
        ("other_network", "réseaux différents"),
        ("already_merged", "déjà été fusionné"),
        ("kept_merged", "a lui-même été fusionné"),
        ("no_reason", "Indiquez pourquoi"),
        ("nir_reason", "numéro de sécurité sociale"),
        ("mediator", "Votre rôle"),
        ("volunteer", "Votre rôle"),
        ("other_site", "n'est pas accessible"),
    ],
)
def test_refusals_change_nothing(team, pair, case, message):
    kept, duplicate = pair
    actor, reason = team.manager, REASON
    referral = ReferralFactory(site=team.site, submitted=True, beneficiary=duplicate)
    if case == "itself":
        duplicate = kept
    elif case == "other_network":
        duplicate = BeneficiaryFactory(site=team.foreign_site)
        actor = team.admin
    elif case == "already_merged":
        duplicate.merged_into = BeneficiaryFactory(site=team.site)
        duplicate.save()
    elif case == "kept_merged":
        kept.merged_into = BeneficiaryFactory(site=team.site)
        kept.save()
    elif case == "no_reason":
        reason = "   "
    elif case == "nir_reason":
        reason = "Son numéro 2 94 03 75 123 456 12"
    elif case in ("mediator", "volunteer"):
        actor = getattr(team, case)
    elif case == "other_site":
        actor = team.other_manager
    before = {b.pk: (b.merged_into_id, b.phone) for b in Beneficiary.objects.all()}

    with pytest.raises(DomainError, match=message):
        services.beneficiary_merge(actor=actor, kept=kept, duplicate=duplicate, reason=reason)

    assert {b.pk: (b.merged_into_id, b.phone) for b in Beneficiary.objects.all()} == before
    referral.refresh_from_db()
    assert referral.beneficiary_id == pair[1].pk
    assert not JournalEntry.objects.filter(action="beneficiary.merged").exists()


def test_the_walk_sees_the_relations_declared_by_other_apps():
    """The merge names no other app: referrals, messages and later models are found here."""
    relations = {
        (r.related_model._meta.label, r.field.name) for r in Beneficiary._meta.related_objects
    }
    assert {
        ("referrals.Referral", "beneficiary"),
        ("beneficiaries.Consent", "beneficiary"),
        ("beneficiaries.Beneficiary", "merged_into"),
    } <= relations
