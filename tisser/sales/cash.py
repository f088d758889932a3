"""The daily cash closing of a site's counter (decision 0050).

Expected, per payment method: the payments of the sales paid at the site that day, minus
the refunds paid back that day by the same method. Counted, per method held in the till
(cash, card slips, cheques, Pass numérique vouchers): what the manager finds. The cash in
the till also holds the opening float (by default the float the previous closing left).
The discrepancy is counted − expected over the till's methods; a comment explains any
difference (on any method) and any opening float other than the one left the day before.
The cash taken to the bank leaves the float for the next day. One closing per site and
day (database constraint); once recorded it never changes: a later correction is written
in the next closing's comment.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Site
from tisser.core import clock, journal
from tisser.core.dates import format_day, start_of_day
from tisser.core.errors import DomainError
from tisser.core.money import format_euros
from tisser.offers.stock_roles import acts_on_site
from tisser.sales.enums import TILL_METHODS, PaymentMethod, ReturnOutcome, SaleStatus
from tisser.sales.models import MAX_AMOUNT, CashClosing, Payment, SaleReturn
from tisser.sales.services import _clean_text, _full_clean

CLOSE_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER)
# The mediators run the till: they see the closings (not the people: no personal data).
READ_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR)
# A day may be closed late (a weekend, a holiday), not too late.
LATE_DAYS = 31
ZERO = Decimal("0.00")


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = start_of_day(day)
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )
    return start, end


def expected_amounts(site: Site, day: datetime.date) -> dict[str, Decimal]:
    """Per payment method (every method, zero when unused): that day's payments of the
    site's paid sales, minus that day's refunds by the same method. Two queries."""
    start, end = _day_bounds(day)
    expected = dict.fromkeys(PaymentMethod.values, ZERO)
    paid = (
        Payment.objects.filter(
            sale__site=site,
            sale__status=SaleStatus.PAID,
            sale__paid_at__gte=start,
            sale__paid_at__lt=end,
        )
        .values("method")
        .annotate(total=Sum("amount"))
    )
    for row in paid:
        expected[row["method"]] += row["total"]
    refunds = (
        SaleReturn.objects.filter(
            site=site, outcome=ReturnOutcome.REFUND, at__gte=start, at__lt=end
        )
        .exclude(refund_method="")
        .values("refund_method")
        .annotate(total=Sum("refund_amount"))
    )
    for row in refunds:
        expected[row["refund_method"]] -= row["total"]
    return expected


def previous_float(site: Site, day: datetime.date) -> Decimal:
    """The float the last closing before ``day`` left in the till (zero for the first)."""
    found = (
        CashClosing.objects.filter(site=site, day__lt=day)
        .order_by("-day")
        .values_list("closing_float", flat=True)
        .first()
    )
    return found if found is not None else ZERO


@dataclass(frozen=True)
class Balance:
    """What a closing would record: per till method, expected in the till and counted."""

    expected: dict[str, Decimal]
    in_till: dict[str, Decimal]  # expected, with the opening float in the cash
    counted: dict[str, Decimal]
    differences: dict[str, Decimal]
    discrepancy: Decimal
    closing_float: Decimal


def balance(
    *,
    expected: Mapping[str, Decimal],
    opening_float: Decimal,
    counted: Mapping[str, Decimal],
    bank_deposit: Decimal,
) -> Balance:
    in_till: dict[str, Decimal] = {method: expected.get(method, ZERO) for method in TILL_METHODS}
    in_till[PaymentMethod.CASH] += opening_float
    counted = {method: counted.get(method) or ZERO for method in TILL_METHODS}
    differences: dict[str, Decimal] = {
        method: counted[method] - in_till[method] for method in TILL_METHODS
    }
    return Balance(
        expected=dict(expected),
        in_till=in_till,
        counted=counted,
        differences=differences,
        discrepancy=sum(differences.values(), ZERO),
        closing_float=counted[PaymentMethod.CASH] - bank_deposit,
    )


def _amount(value, label: str) -> Decimal:
    if value is None:
        return ZERO
    value = Decimal(value)
    if value < 0 or value > MAX_AMOUNT:
        raise DomainError(
            _("%(label)s : un montant de 0 à %(max)s €.")
            % {"label": label, "max": format_euros(MAX_AMOUNT)}
        )
    return value.quantize(Decimal("0.01"))


def cash_closing_record(
    *,
    actor: Membership,
    site: Site,
    day: datetime.date,
    counted: Mapping[str, Decimal],
    bank_deposit: Decimal,
    opening_float: Decimal | None = None,
    comment: str = "",
) -> CashClosing:
    """Close the site's till for ``day``: expected amounts frozen, counted amounts, deposit,
    float left, discrepancy; refused if the day is already closed."""
    if actor is None or not actor.is_active or actor.role not in CLOSE_ROLES:
        raise DomainError(_("Seul le responsable de l'espace clôture la caisse."))
    if not acts_on_site(actor, site.pk, site.network_id):
        raise DomainError(_("Cet espace n'est pas le vôtre."))
    today = clock.localdate()
    if day > today:
        raise DomainError(_("On ne clôture pas une journée à venir."))
    if day < today - datetime.timedelta(days=LATE_DAYS):
        raise DomainError(
            _("Une journée se clôture dans les %(days)s jours.") % {"days": LATE_DAYS}
        )
    comment = _clean_text(comment)
    unknown = set(counted) - set(TILL_METHODS)
    if unknown:
        raise DomainError(
            _("Seuls les espèces, chèques, tickets de carte et Pass numérique se comptent.")
        )
    counted = {
        method: _amount(counted.get(method), str(PaymentMethod(method).label))
        for method in TILL_METHODS
    }
    bank_deposit = _amount(bank_deposit, _("Dépôt en banque"))
    with transaction.atomic():
        # The site's row is the closing's lock: a second closing of the day waits, then
        # finds the first (the unique constraint is the last guard).
        Site.objects.select_for_update(of=("self",)).filter(pk=site.pk).first()
        if CashClosing.objects.filter(site=site, day=day).exists():
            raise DomainError(
                _("La caisse du %(day)s est déjà clôturée.") % {"day": format_day(day)}
            )
        left_before = previous_float(site, day)
        opening = (
            left_before if opening_float is None else _amount(opening_float, _("Fond de caisse"))
        )
        result = balance(
            expected=expected_amounts(site, day),
            opening_float=opening,
            counted=counted,
            bank_deposit=bank_deposit,
        )
        if bank_deposit > result.counted[PaymentMethod.CASH]:
            raise DomainError(
                _("Le dépôt en banque (%(deposit)s €) dépasse les espèces comptées (%(cash)s €).")
                % {
                    "deposit": format_euros(bank_deposit),
                    "cash": format_euros(result.counted[PaymentMethod.CASH]),
                }
            )
        if any(result.differences.values()) and not comment:
            raise DomainError(
                _("La caisse présente un écart de %(amount)s € : expliquez-le en commentaire.")
                % {"amount": format_euros(result.discrepancy)}
            )
        if opening != left_before and not comment:
            raise DomainError(
                _(
                    "Le fond de caisse de début (%(opening)s €) n'est pas celui laissé à la "
                    "dernière clôture (%(left)s €) : expliquez-le en commentaire."
                )
                % {"opening": format_euros(opening), "left": format_euros(left_before)}
            )
        closing = CashClosing(
            site=site,
            day=day,
            opening_float=opening,
            expected={method: str(amount) for method, amount in result.expected.items()},
            counted={method: str(amount) for method, amount in result.counted.items()},
            bank_deposit=bank_deposit,
            closing_float=result.closing_float,
            discrepancy=result.discrepancy,
            comment=comment,
            closed_at=clock.now(),
            closed_by=actor.user,
        )
        _full_clean(closing, validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                closing.save()
        except IntegrityError as error:
            raise DomainError(
                _("La caisse du %(day)s est déjà clôturée.") % {"day": format_day(day)}
            ) from error
        journal.record(
            actor=actor.user,
            action="cash_closing.recorded",
            obj=closing,
            site=site.pk,
            reason=comment,
            payload={
                "day": day.isoformat(),
                "discrepancy": str(closing.discrepancy),
                "bank_deposit": str(bank_deposit),
                "closing_float": str(closing.closing_float),
            },
        )
    return closing


def closing_rows(closing: CashClosing) -> list[dict]:
    """The closing's table: per till method, expected in the till, counted, difference."""
    rows = []
    for method in TILL_METHODS:
        expected = Decimal(closing.expected.get(method, "0"))
        if method == PaymentMethod.CASH:
            expected += closing.opening_float
        counted = Decimal(closing.counted.get(method, "0"))
        rows.append(
            {
                "method": method,
                "label": PaymentMethod(method).label,
                "expected": expected,
                "counted": counted,
                "difference": counted - expected,
            }
        )
    return rows
