"""Subscriptions of the referrals app to hooks announced by the apps below it."""

from django.db.models import Q

from tisser.core import hooks, stale_figures
from tisser.core.names import search_key
from tisser.referrals import figures_marks
from tisser.referrals.models import Appointment, Referral, ReferralEvent

# What a referral of an anonymised person shows instead of their first name (required).
ANONYMOUS_FIRST_NAME = "Anonyme"


@hooks.subscribe("beneficiary.merged")
def mark_referrals_of_merged_files(*, kept, duplicate, **_payload) -> None:
    """The people counted on the days of either file's referrals and appointments change."""
    files = [kept.pk, duplicate.pk]
    site_days = []
    for referral in Referral.objects.filter(beneficiary_id__in=files).only(
        "site_id", "submitted_at", "created_at", "status_changed_at"
    ):
        site_days.extend(
            figures_marks.referral_site_days(referral, also_at=referral.status_changed_at)
        )
    for appointment in Appointment.objects.filter(beneficiary_id__in=files).only(
        "site_id", "starts_at"
    ):
        site_days.append((appointment.site_id, figures_marks.local_day(appointment.starts_at)))
    stale_figures.mark_stale_many(site_days, dimension=stale_figures.REFERRALS)


@hooks.subscribe("beneficiary.anonymised")
def erase_referral_copies(*, file_ids, **_payload) -> None:
    """A referral holds its own copy of the person's names and contacts and the partner's
    free text about them: erased; its status, dates, site, partner, needs and codes stay
    (the figures). The history notes and the appointments' free text go too."""
    referrals = Referral.objects.filter(beneficiary_id__in=file_ids)
    referrals.update(
        first_name=ANONYMOUS_FIRST_NAME,
        last_name="",
        phone="",
        email="",
        reason="",
        rejection_message="",
        # A hash of the names and contacts: anyone who knows them could find the person.
        import_key="",
        search_key=search_key(ANONYMOUS_FIRST_NAME, ""),
    )
    ReferralEvent.objects.filter(referral__in=referrals).exclude(note="").update(note="")
    Appointment.objects.filter(Q(beneficiary_id__in=file_ids) | Q(referral__in=referrals)).update(
        reason="", walk_in_name="", walk_in_phone=""
    )
