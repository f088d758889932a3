"""Subscriptions of the sales app to hooks announced by the apps below it."""

from django.db.models import Q
from django.utils import timezone

from tisser.core import hooks, stale_figures
from tisser.sales.models import (
    AccessRight,
    AccessRightRenewal,
    BoxSubscription,
    QuotaConsumption,
    Sale,
    SaleReturn,
)
from tisser.sales.services import access_right_open_on_referral


@hooks.subscribe("referral.consumed")
def open_access_right_on_referral(*, actor, referral, beneficiary, **_payload) -> None:
    """The person came with a referral: their solidarity access right opens (decision 0046),
    unless one is already running."""
    access_right_open_on_referral(
        actor=actor, beneficiary=beneficiary, site=referral.site, referral_id=referral.pk
    )


# --- Figures and anonymisation (issue 16, decision 0055) -----------------------------------


@hooks.subscribe("beneficiary.merged")
def mark_sales_of_merged_files(*, kept, duplicate, **_payload) -> None:
    """The people counted on the days of either file's paid sales change."""
    rows = Sale.objects.filter(
        beneficiary_id__in=[kept.pk, duplicate.pk], paid_at__isnull=False
    ).values_list("site_id", "paid_at")
    stale_figures.mark_stale_many(
        [(site_id, timezone.localdate(at)) for site_id, at in rows],
        dimension=stale_figures.SALES,
    )


@hooks.subscribe("beneficiary.anonymised")
def erase_sales_free_text(*, file_ids, **_payload) -> None:
    """The team's free text about the person on their sales, rights, renewals, quota
    exceptions, returns and boxes: erased. Amounts, offers, dates and codes stay."""
    Sale.objects.filter(beneficiary_id__in=file_ids).update(note="", cancel_reason="")
    rights = AccessRight.objects.filter(beneficiary_id__in=file_ids)
    rights.update(decision_reason="", suspension_reason="", close_note="")
    AccessRightRenewal.objects.filter(access_right__in=rights).update(
        request_note="", decision_note=""
    )
    QuotaConsumption.objects.filter(beneficiary_id__in=file_ids).update(override_reason="")
    SaleReturn.objects.filter(line__sale__beneficiary_id__in=file_ids).update(reason="")
    BoxSubscription.objects.filter(beneficiary_id__in=file_ids).update(return_note="")


@hooks.subscribe("donation_lot.revalued")
def mark_sales_of_a_revalued_lot(*, lot, **_payload) -> None:
    """Each unit sold from the lot is worth the lot's value ÷ its quantity in the figures
    (« valeur des dons utilisés »): the days its devices and codes were sold change."""
    from_lot = Q(lines__device__lot=lot) | Q(lines__reservation__vouchers__lot=lot)
    rows = (
        Sale.objects.filter(from_lot, paid_at__isnull=False)
        .values_list("site_id", "paid_at")
        .distinct()
    )
    stale_figures.mark_stale_many(
        [(site_id, timezone.localdate(at)) for site_id, at in rows],
        dimension=stale_figures.SALES,
    )
