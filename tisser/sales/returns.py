"""Returns: a person brings back what a paid sale gave them (decision 0050).

Within the warranty (``SaleLine.warranty_until``) or the return delay
(``CounterSettings.return_days`` from the day of payment, whichever ends later), a paid
line's units are refunded or exchanged for a credit that pays a new sale (a ``Payment`` of
method ``CREDIT`` with ``credit_from``). The device goes back to "to process", to the
after-sales service, or is written off, through the stock's services; a code never comes
back into stock (it is declared defective); units of a quantity offer come back as they
are. The quota lines are given back once the whole line has come back (rules whose returns
keep counting are left as they are by the quota engine). The original sale, its lines,
payments and receipt never change: the return is a row of its own.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.models import Membership
from tisser.core import clock, journal
from tisser.core.dates import format_day
from tisser.core.errors import DomainError
from tisser.core.money import format_euros
from tisser.offers import lifecycle
from tisser.offers.enums import LENT_FAMILIES, Tracking, VoucherStatus
from tisser.offers.models import Voucher
from tisser.offers.reservations import stock_return
from tisser.offers.stock_roles import acts_on_site
from tisser.sales import figures_marks, quotas
from tisser.sales.enums import (
    PaymentMethod,
    ReturnedDeviceFate,
    ReturnOutcome,
    SaleLineKind,
    SaleStatus,
)
from tisser.sales.models import CounterSettings, QuotaConsumption, SaleLine, SaleReturn
from tisser.sales.quotas import SELL_ROLES
from tisser.sales.services import _clean_text, _full_clean

# How money goes back to the person (a voucher, a credit or a third party's payment is not
# handed back over the counter).
REFUND_METHODS = (PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.CHEQUE)
# The reference kind the counter gives its quota lines (decision 0049).
QUOTA_REFERENCE_KIND = "sale_line"


def return_deadline(line: SaleLine, settings: CounterSettings) -> datetime.date:
    """The last day the line may come back: the end of its warranty or of the return
    delay counted from the day of payment, whichever is later."""
    paid_day = timezone.localdate(line.sale.paid_at)
    deadline = paid_day + datetime.timedelta(days=settings.return_days)
    if line.warranty_until is not None:
        deadline = max(deadline, line.warranty_until)
    return deadline


def own_money_left(sale) -> Decimal:
    """What the person paid from their own pocket (cash, card, cheque) for the sale, less the
    refunds already made on it: a refund never turns a third party's payment, Pass numérique
    vouchers or a credit into cash."""
    paid = sale.payments.filter(method__in=REFUND_METHODS).aggregate(total=Sum("amount"))
    refunded = SaleReturn.objects.filter(line__sale=sale, outcome=ReturnOutcome.REFUND).aggregate(
        total=Sum("refund_amount")
    )
    return (paid["total"] or Decimal("0")) - (refunded["total"] or Decimal("0"))


def returned_quantity(line: SaleLine) -> int:
    return line.returns.aggregate(total=Sum("quantity"))["total"] or 0


def _lock_line(line: SaleLine) -> SaleLine:
    """The line locked (two returns of it wait for each other), with its sale."""
    return (
        SaleLine.objects.select_for_update(of=("self",))
        .select_related("sale__site", "offer", "device")
        .get(pk=line.pk)
    )


def sale_return_record(
    *,
    actor: Membership,
    line: SaleLine,
    quantity: int,
    outcome: str,
    reason: str,
    device_fate: str = "",
    refund_method: str = "",
    refund_amount: Decimal | None = None,
) -> SaleReturn:
    """Take back ``quantity`` units of a paid line: refund or exchange credit, stock,
    quota, journal — all or nothing."""
    reason = _clean_text(reason, required=_("Indiquez le motif du retour."))
    if outcome not in ReturnOutcome.values:
        raise DomainError(_("Choisissez un remboursement ou un échange."))
    if not isinstance(quantity, int) or quantity < 1:
        raise DomainError(_("Indiquez combien d'unités sont rendues (au moins une)."))
    with transaction.atomic():
        line = _lock_line(line)
        sale = line.sale
        if actor is None or not actor.is_active or actor.role not in SELL_ROLES:
            raise DomainError(_("Votre rôle ne permet pas cette action."))
        if not acts_on_site(actor, sale.site_id, sale.site.network_id):
            raise DomainError(_("Un retour se fait à l'espace qui a vendu."))
        if sale.status != SaleStatus.PAID:
            raise DomainError(_("Seul un achat payé peut être rendu."))
        if line.kind != SaleLineKind.ITEM:
            raise DomainError(_("Une mensualité d'abonnement ne se rend pas."))
        if line.offer.family in LENT_FAMILIES:
            raise DomainError(
                _("Une box prêtée se rend par son abonnement : « Box rendue » sur sa fiche.")
            )
        today = clock.localdate()
        settings = CounterSettings.of_network(sale.network_id)
        deadline = return_deadline(line, settings)
        if today > deadline:
            raise DomainError(
                _(
                    "Le délai de retour et la garantie de cet achat ont pris fin le %(day)s : "
                    "il ne peut plus être rendu."
                )
                % {"day": format_day(deadline)}
            )
        already = returned_quantity(line)
        left = line.quantity - already
        if left <= 0:
            raise DomainError(_("Cet achat a déjà été rendu."))
        if quantity > left:
            raise DomainError(
                _("Vous ne pouvez rendre que %(left)s unité(s) de cet achat (%(sold)s vendue(s)).")
                % {"left": left, "sold": line.quantity}
            )
        paid = line.unit_price * quantity
        fate = _check_fate(line, device_fate)
        refund = Decimal("0")
        credit = Decimal("0")
        method = ""
        if outcome == ReturnOutcome.REFUND:
            if refund_method not in REFUND_METHODS:
                raise DomainError(_("Choisissez comment la personne est remboursée."))
            method = refund_method
            refund = paid if refund_amount is None else Decimal(refund_amount)
            if refund < 0 or refund > paid:
                raise DomainError(
                    _("Le remboursement va de 0 € à %(paid)s € (le prix payé pour ces unités).")
                    % {"paid": format_euros(paid)}
                )
            own = own_money_left(sale)
            if refund > own:
                raise DomainError(
                    _(
                        "La personne a payé elle-même %(own)s € de cet achat (le reste : un tiers "
                        "payeur, des chèques Pass numérique ou un avoir) : remboursez au plus "
                        "cette somme, ou proposez un échange."
                    )
                    % {"own": format_euros(own)}
                )
        else:
            credit = paid
        sale_return = SaleReturn(
            site=sale.site,
            line=line,
            quantity=quantity,
            outcome=outcome,
            device_fate=fate,
            reason=reason,
            refund_amount=refund,
            refund_method=method,
            credit_amount=credit,
            at=clock.now(),
            recorded_by=actor.user,
        )
        _full_clean(sale_return)
        _take_back(actor, line, quantity=quantity, fate=fate, reason=reason)
        sale_return.quota_given_back = _give_back_quota(actor, line, whole=left == quantity)
        sale_return.save()
        # Figures take the return out of the original sale, on the day it was paid.
        figures_marks.mark_sale(sale)
        journal.record(
            actor=actor.user,
            action="sale_return.recorded",
            obj=sale_return,
            site=sale.site_id,
            reason=reason,
            payload={
                "sale": sale.pk,
                "line": line.pk,
                "quantity": quantity,
                "outcome": outcome,
                "fate": fate,
                "refund": str(refund),
                "refund_method": method,
                "credit": str(credit),
                "quota_given_back": sale_return.quota_given_back,
            },
        )
    return sale_return


def _check_fate(line: SaleLine, device_fate: str) -> str:
    """A device's fate is chosen; codes and units have none (codes are declared defective,
    units come back into stock)."""
    if line.device_id is None:
        return ""
    if device_fate not in ReturnedDeviceFate.values:
        raise DomainError(
            _("Choisissez ce que devient l'appareil : à traiter, SAV ou mise au rebut.")
        )
    return device_fate


def _take_back(actor, line: SaleLine, *, quantity: int, fate: str, reason: str) -> None:
    site = line.sale.site
    text = _("Retour de l'achat %(receipt)s : %(reason)s") % {
        "receipt": line.sale.receipt_number or line.sale_id,
        "reason": reason,
    }
    if line.device is not None:
        stock_return(
            actor=actor,
            site=site,
            reason=text,
            device=line.device,
            after_sales=fate == ReturnedDeviceFate.AFTER_SALES,
        )
        if fate == ReturnedDeviceFate.WRITTEN_OFF:
            device = lifecycle.locked_device(line.device)
            lifecycle.device_write_off(device, actor=actor, reason=text, at=clock.now())
    elif line.offer.tracking == Tracking.VOUCHER:
        vouchers = list(
            Voucher.objects.filter(
                reservation__sale_line=line,
                status__in=[VoucherStatus.SOLD, VoucherStatus.ACTIVATED],
            ).order_by("pk")[:quantity]
        )
        if len(vouchers) < quantity:
            raise DomainError(_("Ces codes ont déjà été déclarés défectueux."))
        for voucher in vouchers:
            lifecycle.voucher_status_change(
                actor=actor, voucher=voucher, to_status=VoucherStatus.DEFECTIVE, reason=text
            )
    else:
        stock_return(actor=actor, site=site, reason=text, offer=line.offer, quantity=quantity)


def _give_back_quota(actor, line: SaleLine, *, whole: bool) -> bool:
    """Once every unit of the line is back, its quota lines stop counting. A partial return
    keeps the line counting (the ledger cannot split one line)."""
    if not whole:
        return False
    consumptions = list(
        QuotaConsumption.objects.filter(
            reference_kind=QUOTA_REFERENCE_KIND, reference_id=line.pk, given_back_at__isnull=True
        )
    )
    if not consumptions:
        return False
    quotas.quota_give_back(actor=actor, consumptions=consumptions)
    return True


# --- the credit of an exchange -------------------------------------------------------------


def credit_left(sale_return: SaleReturn) -> Decimal:
    used = sale_return.credit_payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return sale_return.credit_amount - used


def credit_use_check(
    *, actor: Membership, sale_return: SaleReturn, beneficiary_id: int, amount: Decimal
) -> SaleReturn:
    """For the counter's ``sale_pay``, inside its transaction: may ``amount`` of this
    exchange's credit pay a sale of this person? The return row stays locked until the
    payment is written, so a credit is never spent twice."""
    sale_return = (
        SaleReturn.objects.select_for_update(of=("self",))
        .select_related("line__sale")
        .get(pk=sale_return.pk)
    )
    if not acts_on_site(actor, sale_return.site_id, sale_return.line.sale.network_id):
        raise DomainError(_("Cet avoir a été donné par un autre espace."))
    if sale_return.outcome != ReturnOutcome.EXCHANGE:
        raise DomainError(_("Ce retour a été remboursé : il ne donne pas d'avoir."))
    if sale_return.line.sale.beneficiary_id != beneficiary_id:
        raise DomainError(_("Cet avoir appartient à une autre personne."))
    left = credit_left(sale_return)
    if amount <= 0 or amount > left:
        raise DomainError(_("Il reste %(left)s € sur cet avoir.") % {"left": format_euros(left)})
    return sale_return
