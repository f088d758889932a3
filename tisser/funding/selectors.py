"""Reads of the funding app, every one scoped by the acting membership."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from tisser.funding.enums import TaxReceiptStatus
from tisser.funding.models import TaxReceipt


def tax_receipt_counts(*, membership, year: int) -> dict:
    """Receipts of gifts made in ``year`` the member may read: issued, cancelled, total."""
    figures = TaxReceipt.objects.visible_to(membership).aggregate(
        issued=Count("pk", filter=Q(year=year, status=TaxReceiptStatus.ISSUED)),
        cancelled=Count("pk", filter=Q(year=year, status=TaxReceiptStatus.CANCELLED)),
        amount=Sum("amount", filter=Q(year=year, status=TaxReceiptStatus.ISSUED)),
    )
    figures["amount"] = figures["amount"] or Decimal("0.00")
    return figures
