"""Reads of the funding app, every one scoped by the acting membership.

No membership (or an inactive one) reads nothing.
"""

from decimal import Decimal

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum

from tisser.accounts.enums import Role
from tisser.accounts.models import Funder, Site
from tisser.funding.enums import TaxReceiptStatus
from tisser.funding.models import (
    Convention,
    DonationLot,
    Donor,
    Dotation,
    TaxReceipt,
    TaxReceiptSettings,
)

NETWORK_ROLES = (Role.NETWORK_ADMIN, Role.ACCOUNTANT)


def _active(membership) -> bool:
    return membership is not None and membership.is_active


def network_id_of(membership) -> int | None:
    """The network a member acts in (their site's for a site team), None without one."""
    if not _active(membership):
        return None
    if membership.role in NETWORK_ROLES:
        return membership.organisation_id
    return (
        Site.objects.filter(pk=membership.organisation_id)
        .values_list("network_id", flat=True)
        .first()
    )


def _with_totals(dotations: QuerySet) -> QuerySet:
    return dotations.annotate(
        received_quantity=Sum("lots__quantity"),
        received_amount=Sum("lots__valuation_amount"),
        lot_count=Count("lots"),
    )


# --- donors ----------------------------------------------------------------------------


def donor_list(*, membership) -> QuerySet[Donor]:
    if not _active(membership) or membership.role != Role.NETWORK_ADMIN:
        return Donor.objects.none()
    return (
        Donor.objects.visible_to(membership)
        .select_related("funder")
        .annotate(lot_count=Count("lots"), lots_amount=Sum("lots__valuation_amount"))
        .order_by("-is_active", "name", "pk")
    )


def donor_choices(*, membership) -> QuerySet[Donor]:
    """Active donors a member may record a lot for: those of their network."""
    if not _active(membership) or membership.role not in (Role.NETWORK_ADMIN, Role.SITE_MANAGER):
        return Donor.objects.none()
    return Donor.objects.filter(network_id=network_id_of(membership), is_active=True).order_by(
        "name", "pk"
    )


def donor_funder_choices(*, membership) -> QuerySet[Funder]:
    """The network's funders that are not donors yet, in-kind donors first (the service
    refuses one that is not marked as giving in kind, and says what to do)."""
    if not _active(membership) or membership.role != Role.NETWORK_ADMIN:
        return Funder.objects.none()
    return Funder.objects.filter(
        network_id=membership.organisation_id, donor__isnull=True
    ).order_by("-is_donor", "name")


# --- conventions and dotations ---------------------------------------------------------


def convention_list(*, membership) -> QuerySet[Convention]:
    """The network admin's conventions, or a funder's own; nobody else's."""
    if not _active(membership) or membership.role not in (Role.NETWORK_ADMIN, Role.FUNDER_VIEWER):
        return Convention.objects.none()
    return (
        Convention.objects.visible_to(membership)
        .select_related("funder")
        .annotate(
            site_count=Count("sites", distinct=True),
            dotation_count=Count("dotations", distinct=True),
        )
        .order_by("-starts_on", "reference", "pk")
    )


def convention_dotations(*, membership, convention: Convention) -> QuerySet[Dotation]:
    """A convention's dotations with what its lots brought so far."""
    if not _active(membership) or membership.role not in (Role.NETWORK_ADMIN, Role.FUNDER_VIEWER):
        return Dotation.objects.none()
    return _with_totals(
        Dotation.objects.visible_to(membership).filter(convention_id=convention.pk)
    ).order_by("-year", "pk")


def dotation_choices(*, membership) -> QuerySet[Dotation]:
    """Dotations a lot may be linked to: the network's (the service checks the fit)."""
    if not _active(membership) or membership.role not in (Role.NETWORK_ADMIN, Role.SITE_MANAGER):
        return Dotation.objects.none()
    dotations = Dotation.objects.filter(
        convention__funder__network_id=network_id_of(membership)
    ).select_related("convention__funder")
    if membership.role == Role.SITE_MANAGER:
        dotations = dotations.filter(convention__sites=membership.organisation_id)
    return dotations.order_by("-year", "convention__reference", "pk")


def site_choices(*, membership) -> QuerySet[Site]:
    """Where a member may record a lot: any open site of the network, or their own."""
    if not _active(membership):
        return Site.objects.none()
    if membership.role == Role.NETWORK_ADMIN:
        return Site.objects.filter(network_id=membership.organisation_id, is_active=True).order_by(
            "name"
        )
    if membership.role == Role.SITE_MANAGER:
        return Site.objects.filter(pk=membership.organisation_id, is_active=True)
    return Site.objects.none()


# --- lots ------------------------------------------------------------------------------


def lot_list(*, membership) -> QuerySet[DonationLot]:
    if not _active(membership) or membership.role not in (Role.NETWORK_ADMIN, Role.SITE_MANAGER):
        return DonationLot.objects.none()
    return DonationLot.objects.visible_to(membership).select_related(
        "donor", "site", "dotation__convention", "tax_receipt"
    )


def lot_years(*, membership) -> list[int]:
    """The years that have lots, newest first (the list's year filter)."""
    years = lot_list(membership=membership).dates("received_on", "year", order="DESC")
    return [day.year for day in years]


def lot_totals(lots: QuerySet[DonationLot]) -> dict:
    totals = lots.order_by().aggregate(
        count=Count("pk"), quantity=Sum("quantity"), amount=Sum("valuation_amount")
    )
    totals["amount"] = totals["amount"] or Decimal("0.00")
    return totals


# --- tax receipts ----------------------------------------------------------------------


def tax_receipt_settings(*, membership) -> TaxReceiptSettings | None:
    if not _active(membership) or membership.role not in NETWORK_ROLES:
        return None
    return TaxReceiptSettings.objects.filter(network_id=membership.organisation_id).first()


def tax_receipt_list(*, membership) -> QuerySet[TaxReceipt]:
    if not _active(membership) or membership.role not in NETWORK_ROLES:
        return TaxReceipt.objects.none()
    return (
        TaxReceipt.objects.visible_to(membership)
        .select_related("donor")
        .order_by("-year", "-sequence")
    )


def receipts_to_issue(*, membership) -> QuerySet:
    """(donor, year) pairs whose lots no issued receipt covers yet, with their totals: rows
    with ``donor_id``, ``donor_name``, ``year``, ``lot_count``, ``amount``, ``first``, ``last``."""
    if not _active(membership) or membership.role != Role.NETWORK_ADMIN:
        return DonationLot.objects.none().values("donor_id")
    return (
        DonationLot.objects.filter(
            donor__network_id=membership.organisation_id, tax_receipt__isnull=True
        )
        .values("donor_id", donor_name=F("donor__name"), year=F("received_on__year"))
        .annotate(
            lot_count=Count("pk"),
            amount=Sum("valuation_amount"),
            first=Min("received_on"),
            last=Max("received_on"),
        )
        .order_by("-year", "donor_name", "donor_id")
    )


def tax_receipt_counts(*, membership, year: int) -> dict:
    """Receipts of gifts made in ``year`` the member may read: issued, cancelled, total."""
    figures = TaxReceipt.objects.visible_to(membership).aggregate(
        issued=Count("pk", filter=Q(year=year, status=TaxReceiptStatus.ISSUED)),
        cancelled=Count("pk", filter=Q(year=year, status=TaxReceiptStatus.CANCELLED)),
        amount=Sum("amount", filter=Q(year=year, status=TaxReceiptStatus.ISSUED)),
    )
    figures["amount"] = figures["amount"] or Decimal("0.00")
    return figures
