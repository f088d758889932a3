"""The data migration copies each message's referral (or file) link into its generic subject."""

import pytest

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.helpers import migrate_to
from tests.referrals.factories import ReferralFactory

BEFORE = [("notifications", "0005_subject_and_delivery_states")]
AFTER = [("notifications", "0007_drop_referral_and_file_links")]


@pytest.mark.django_db(transaction=True)
def test_existing_referral_and_file_links_become_subjects(site):
    referral = ReferralFactory(site=site, submitted=True)
    beneficiary = BeneficiaryFactory(site=site)
    try:
        old = migrate_to(BEFORE)
        Notification = old.get_model("notifications", "Notification")
        common = {"channel": "email", "recipient_kind": "site_team", "site_id": site.pk}
        about_referral = Notification.objects.create(
            event_key="a", template="referral_submitted_site", referral_id=referral.pk, **common
        )
        about_file = Notification.objects.create(
            event_key="c",
            template="help_request_received_person",
            beneficiary_id=beneficiary.pk,
            **common,
        )
        about_nothing = Notification.objects.create(
            event_key="b", template="referral_submitted_site", **common
        )

        new = migrate_to(AFTER)
    finally:
        migrate_to(AFTER)

    Notification = new.get_model("notifications", "Notification")
    rows = {
        n.pk: (n.subject_type, n.subject_id)
        for n in Notification.objects.filter(
            pk__in=[about_referral.pk, about_file.pk, about_nothing.pk]
        )
    }
    assert rows == {
        about_referral.pk: ("referrals.referral", referral.pk),
        about_file.pk: ("beneficiaries.beneficiary", beneficiary.pk),
        about_nothing.pk: ("", None),
    }
