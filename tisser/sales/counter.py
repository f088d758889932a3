"""The counter sale: a cart, its confirmation, its payment and receipt, its cancellation.

A ``Sale`` is built as a cart (``sale_start``, ``cart_add``, ``cart_remove``), confirmed
(``sale_confirm``: the access right checked, the quotas re-checked and taken, the stock
reserved until the hold ends, the prices frozen — one transaction), then paid (``sale_pay``:
payments that sum to the total, the stock sold, the receipt numbered per site and year
under the sequence row lock, the warranty dates). ``sale_cancel`` and the periodic
``sales_expire`` end a sale that was never paid: its stock comes back and its quota lines
are deleted. A paid sale never changes again: every service here refuses it; corrections
are returns (``sales.returns``). Decision: docs/decisions/0049-counter-sale.md.

Lock order, the same in every writer: the sale row, then the person's file and household
(``sales.quotas``), then devices / vouchers and the stock levels (``offers.reservations``),
and last the site's receipt sequence row, held only for the end of the payment.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.accounts.enums import OrganisationKind, Role
from tisser.accounts.models import Membership, Partner, Site
from tisser.beneficiaries.models import Beneficiary, HouseholdMember
from tisser.core import clock, journal
from tisser.core.errors import DomainError
from tisser.offers import reservations
from tisser.offers.enums import (
    LENT_FAMILIES,
    DeviceStatus,
    ReservationStatus,
    Tracking,
)
from tisser.offers.models import Device, Offer, Reservation, StockLevel
from tisser.offers.stock_roles import acts_on_site
from tisser.sales import boxes, figures_marks
from tisser.sales.enums import PaymentMethod, RightStatus, SaleLineKind, SaleStatus, VatRegime
from tisser.sales.models import (
    MAX_AMOUNT,
    MAX_QUANTITY,
    CounterSettings,
    PassNumeriqueUse,
    Payment,
    QuotaConsumption,
    ReceiptSequence,
    Sale,
    SaleLine,
    SaleReturn,
)
from tisser.sales.quotas import BasketLine, Override, quota_consume
from tisser.sales.returns import credit_use_check
from tisser.sales.services import add_months, current_right

SELL_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR)
OVERRIDE_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER)
SETTINGS_ROLES = (Role.NETWORK_ADMIN,)
QUOTA_REFERENCE = "sale_line"
MAX_PAYMENTS = 10
MAX_PASS_NUMBERS = 50
PASS_NUMBER = re.compile(r"^[0-9A-Za-z-]{4,40}$")
CENT = Decimal("0.01")

# The VAT mention printed on a receipt, by regime (decision 0049, frozen on the sale).
VAT_MENTIONS: dict[str, str] = {
    VatRegime.FRANCHISE: "TVA non applicable, art. 293 B du CGI",
    VatRegime.NON_PROFIT_EXEMPT: (
        "Exonération de TVA, art. 261-7-1° du CGI (organisme sans but lucratif)"
    ),
    VatRegime.MARGIN: "Régime particulier – Biens d'occasion (art. 297 A du CGI)",
}


# --- helpers ----------------------------------------------------------------------------


def vat_mention(regime: str) -> str:
    return VAT_MENTIONS.get(regime, VAT_MENTIONS[VatRegime.FRANCHISE])


def _check_actor(actor: Membership | None, site: Site, roles=SELL_ROLES) -> Membership:
    if actor is None or not actor.is_active or actor.role not in roles:
        raise DomainError(_("Votre rôle ne permet pas cette action au comptoir."))
    if not acts_on_site(actor, site.pk, site.network_id):
        raise DomainError(_("Cette vente appartient à un autre espace."))
    return actor


def _full_clean(obj, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error


_REFUSED_BY_STATUS = {
    SaleStatus.PAID: gettext_lazy(
        "Cette vente est payée : elle ne change plus. Une correction passe par un retour."
    ),
    SaleStatus.CANCELLED: gettext_lazy("Cette vente est annulée."),
    SaleStatus.EXPIRED: gettext_lazy("Cette vente a expiré : la réservation du stock a pris fin."),
    SaleStatus.CONFIRMED: gettext_lazy(
        "Ce panier est déjà confirmé : encaissez-le, ou annulez-le pour le modifier."
    ),
    SaleStatus.CART: gettext_lazy("Confirmez d'abord le panier."),
}


def _locked_sale(actor: Membership, sale: Sale, allowed: Sequence[str]) -> Sale:
    """The sale row locked, in the actor's scope, in one of the ``allowed`` statuses."""
    locked = (
        Sale.objects.select_for_update(of=("self",))
        .select_related("site", "beneficiary")
        .filter(pk=sale.pk)
        .first()
    )
    if locked is None:
        raise DomainError(_("Cette vente n'existe pas."))
    _check_actor(actor, locked.site)
    if locked.status not in allowed:
        raise DomainError(str(_REFUSED_BY_STATUS[locked.status]))
    return locked


def _out_of_stock(offer: Offer, grade: str = "") -> DomainError:
    if grade:
        return DomainError(
            _("Plus en stock : « %(offer)s » de grade %(grade)s à cet espace.")
            % {"offer": offer.name, "grade": grade}
        )
    return DomainError(_("Plus en stock : « %(offer)s » à cet espace.") % {"offer": offer.name})


def _ready_devices(site_id: int, offer: Offer):
    return Device.objects.filter(
        site_id=site_id,
        offer=offer,
        status=DeviceStatus.READY_TO_DISTRIBUTE,
        transfer__isnull=True,
    )


def _device_label(offer: Offer, device: Device) -> str:
    parts = [offer.name, device.inventory_id]
    if device.grade:
        parts.append(_("grade %(grade)s") % {"grade": device.grade})
    return " — ".join(parts)[:200]


def units_available(site_id: int, offer: Offer) -> int:
    """What can still be reserved of a code or quantity offer at a site: the ledger's
    running totals (decision 0038: for codes, on hand minus held = the codes in stock on the
    premises), one row read instead of counting up to tens of thousands of codes."""
    level = StockLevel.objects.filter(site_id=site_id, offer=offer).first()
    return level.available if level else 0


def _record(actor, action: str, sale: Sale, *, reason: str = "", **payload) -> None:
    journal.record(
        actor=actor.user if actor is not None else None,
        action=action,
        obj=sale,
        site=sale.site_id,
        reason=reason,
        payload={"beneficiary": sale.beneficiary_id, **payload},
    )


def _clean_reason(text: str, *, required: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise DomainError(required)
    return text[:500]


# --- the cart ---------------------------------------------------------------------------


def sale_start(*, actor: Membership, beneficiary: Beneficiary, site: Site) -> Sale:
    """A cart for the person at the site; the open sale (cart or to be paid) if one exists."""
    _check_actor(actor, site)
    if not Beneficiary.objects.visible_to(actor).filter(pk=beneficiary.pk).exists():
        raise DomainError(_("Ce dossier n'est pas accessible depuis votre organisation."))
    with transaction.atomic():
        person = (
            Beneficiary.objects.select_for_update(of=("self",))
            .select_related("site")
            .get(pk=beneficiary.pk)
        )
        if person.merged_into_id is not None:
            raise DomainError(
                _("Ce dossier a été fusionné dans un autre dossier : ouvrez le dossier conservé.")
            )
        if person.site.network_id != site.network_id:
            raise DomainError(_("Ce dossier appartient à un autre réseau."))
        existing = Sale.objects.open().filter(beneficiary=person, site=site).first()
        if existing is not None:
            return existing
        sale = Sale(
            network_id=site.network_id,
            site=site,
            beneficiary=person,
            created_by=actor.user,
            status=SaleStatus.CART,
        )
        _full_clean(sale)
        sale.save()
        _record(actor, "sale.started", sale)
    return sale


def cart_add(
    *,
    actor: Membership,
    sale: Sale,
    offer: Offer,
    quantity: int = 1,
    device: Device | None = None,
    grade: str = "",
) -> SaleLine:
    """A line in the cart: for a device offer the chosen device (by inventory id), or the
    first ready one of the chosen grade; for codes and quantities, ``quantity`` units
    (added to the line of the same offer if there is one)."""
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError(_("Choisissez une quantité entre 1 et %(max)s.") % {"max": MAX_QUANTITY})
    with transaction.atomic():
        sale = _locked_sale(actor, sale, (SaleStatus.CART,))
        today = clock.localdate()
        if (
            offer.network_id != sale.network_id
            or not Offer.objects.active_on(today).filter(pk=offer.pk).exists()
        ):
            raise DomainError(_("Cette offre n'est pas proposée en ce moment."))
        lines = list(sale.lines.select_for_update().filter(kind=SaleLineKind.ITEM))
        if offer.tracking == Tracking.DEVICE:
            if quantity != 1:
                raise DomainError(_("Un appareil se vend à l'unité : ajoutez-les un par un."))
            taken = {line.device_id for line in lines}
            if device is not None:
                if device.offer_id != offer.pk or device.site_id != sale.site_id:
                    raise DomainError(
                        _("L'appareil %(id)s n'est pas un « %(offer)s » de cet espace.")
                        % {"id": device.inventory_id, "offer": offer.name}
                    )
                if device.pk in taken:
                    raise DomainError(_("Cet appareil est déjà dans le panier."))
                if not _ready_devices(sale.site_id, offer).filter(pk=device.pk).exists():
                    raise DomainError(
                        _("Plus en stock : l'appareil %(id)s n'est plus prêt à distribuer.")
                        % {"id": device.inventory_id}
                    )
            else:
                candidates = _ready_devices(sale.site_id, offer).exclude(pk__in=taken)
                if grade:
                    candidates = candidates.filter(grade=grade)
                device = candidates.order_by("pk").first()
                if device is None:
                    raise _out_of_stock(offer, grade)
            if offer.allowed_grades and device.grade not in offer.allowed_grades:
                raise DomainError(
                    _("Le grade %(grade)s n'est pas accepté pour cette offre.")
                    % {"grade": device.grade or "—"}
                )
            line = SaleLine(
                sale=sale,
                kind=SaleLineKind.ITEM,
                offer=offer,
                quantity=1,
                device=device,
                label=_device_label(offer, device),
            )
        else:
            if device is not None:
                raise DomainError(_("Cette offre ne se vend pas par appareil."))
            same = next((row for row in lines if row.offer_id == offer.pk), None)
            wanted = quantity + (same.quantity if same is not None else 0)
            if wanted > MAX_QUANTITY:
                raise DomainError(
                    _("Une ligne compte au plus %(max)s unités.") % {"max": MAX_QUANTITY}
                )
            available = units_available(sale.site_id, offer)
            if available == 0:
                raise _out_of_stock(offer)
            if wanted > available:
                raise DomainError(
                    _("Pas assez en stock : il reste %(count)s « %(offer)s » à cet espace.")
                    % {"count": available, "offer": offer.name}
                )
            line = same or SaleLine(
                sale=sale, kind=SaleLineKind.ITEM, offer=offer, label=offer.name
            )
            line.quantity = wanted
        line.unit_price = offer.solidarity_price
        line.unit_market_price = offer.market_price
        line.unit_face_value = offer.face_value
        _full_clean(line, exclude=["sale", "reservation", "subscription"])
        line.save()
        _record(actor, "sale.line_added", sale, offer=offer.pk, quantity=line.quantity)
    return line


def cart_remove(*, actor: Membership, line: SaleLine) -> Sale:
    """Take a line out of the cart (only while it is a cart)."""
    with transaction.atomic():
        sale = _locked_sale(actor, line.sale, (SaleStatus.CART,))
        deleted, _rows = SaleLine.objects.filter(pk=line.pk, sale=sale).delete()
        if not deleted:
            raise DomainError(_("Cette ligne n'est plus dans le panier."))
        _record(actor, "sale.line_removed", sale, offer=line.offer_id)
    return sale


# --- confirmation -----------------------------------------------------------------------


def _check_right(sale: Sale, lines: Sequence[SaleLine], today: datetime.date):
    right = current_right(sale.beneficiary, sale.network_id)
    status = right.status_on(today) if right is not None else ""
    needing = [line.offer.name for line in lines if line.offer.requires_access_right]
    if needing and status != RightStatus.ACTIVE:
        state = (
            _("aucun droit d'accès n'est ouvert")
            if right is None
            else _("le droit d'accès est %(status)s") % {"status": RightStatus(status).label}
        )
        raise DomainError(
            _("« %(offer)s » demande un droit d'accès solidaire actif : %(state)s.")
            % {"offer": needing[0], "state": state}
        )
    return right if status == RightStatus.ACTIVE else None


def _reserve_device(actor, sale: Sale, line: SaleLine, others: set[int], until) -> Reservation:
    """Reserve the line's device; if it went meanwhile, another ready one of the same offer
    and grade (skipping rows another counter holds right now), else « Plus en stock »."""
    chosen = Device.objects.select_for_update(of=("self",)).get(pk=line.device_id)
    if not (
        chosen.site_id == sale.site_id
        and chosen.status == DeviceStatus.READY_TO_DISTRIBUTE
        and chosen.transfer_id is None
    ):
        substitute = (
            _ready_devices(sale.site_id, line.offer)
            .filter(grade=chosen.grade)
            .exclude(pk__in=others)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .first()
        )
        if substitute is None:
            raise _out_of_stock(line.offer, chosen.grade)
        line.device = substitute
        line.label = _device_label(line.offer, substitute)
        chosen = substitute
    others.add(chosen.pk)
    return reservations.device_reserve(
        actor=actor,
        device=chosen,
        until=until,
        note=_("Vente au comptoir n° %(id)s") % {"id": sale.pk},
    )


def _reserve_units(actor, sale: Sale, line: SaleLine, until) -> Reservation:
    try:
        return reservations.units_reserve(
            actor=actor,
            site=sale.site,
            offer=line.offer,
            quantity=line.quantity,
            until=until,
            note=_("Vente au comptoir n° %(id)s") % {"id": sale.pk},
        )
    except DomainError as refused:
        raise _out_of_stock(line.offer) from refused


def sale_confirm(*, actor: Membership, sale: Sale, override: Override | None = None) -> Sale:
    """Check the right, take the quotas, reserve the stock, freeze the prices: all or
    nothing. ``override``: a site manager lets this sale pass a quota, with a reason."""
    if override is not None and (override.by is None or override.by.role not in OVERRIDE_ROLES):
        raise DomainError(_("Seul un responsable de l'espace peut accorder une dérogation."))
    with transaction.atomic():
        sale = _locked_sale(actor, sale, (SaleStatus.CART,))
        every_line = list(sale.lines.select_related("offer", "device").order_by("offer_id", "pk"))
        if not every_line:
            raise DomainError(_("Le panier est vide."))
        # Stock lines; a subscription fee line (sales.boxes) has its price already and no stock.
        lines = [line for line in every_line if line.kind == SaleLineKind.ITEM]
        now = clock.now()
        today = timezone.localtime(now).date()
        active = set(
            Offer.objects.active_on(today)
            .filter(pk__in={line.offer_id for line in lines})
            .values_list("pk", flat=True)
        )
        for line in lines:
            if line.offer_id not in active:
                raise DomainError(
                    _("« %(offer)s » n'est plus proposée : retirez-la du panier.")
                    % {"offer": line.offer.name}
                )
        right = _check_right(sale, lines, today)
        taken = (
            quota_consume(
                actor=actor,
                beneficiary=sale.beneficiary,
                site=sale.site,
                basket=[BasketLine(line.offer, line.quantity) for line in lines],
                reference_kind=QUOTA_REFERENCE,
                reference_ids=[line.pk for line in lines],
                override=override,
            )
            if lines
            else []
        )
        until = now + datetime.timedelta(
            minutes=CounterSettings.of_network(sale.network_id).hold_minutes
        )
        devices_taken: set[int] = set()
        for line in lines:
            if line.offer.tracking == Tracking.DEVICE:
                line.reservation = _reserve_device(actor, sale, line, devices_taken, until)
            else:
                line.reservation = _reserve_units(actor, sale, line, until)
            line.unit_price = line.offer.solidarity_price
            line.unit_market_price = line.offer.market_price
            line.unit_face_value = line.offer.face_value
            line.save(
                update_fields=[
                    "reservation",
                    "device",
                    "label",
                    "unit_price",
                    "unit_market_price",
                    "unit_face_value",
                ]
            )
        link = HouseholdMember.objects.current().filter(beneficiary=sale.beneficiary).first()
        sale.household_id = link.household_id if link else None
        sale.access_right = right
        sale.total_price = sum((line.total for line in every_line), Decimal("0"))
        sale.total_market = sum((line.market_total for line in every_line), Decimal("0"))
        sale.status = SaleStatus.CONFIRMED
        sale.confirmed_at = now
        sale.confirmed_by = actor.user
        sale.reserved_until = until
        _full_clean(sale)
        sale.save()
        _record(
            actor,
            "sale.confirmed",
            sale,
            lines=len(every_line),
            total=str(sale.total_price),
            overridden=any(row.overridden for row in taken),
        )
    return sale


# --- payment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentInput:
    """One way of paying part of a sale, as the counter form gives it."""

    method: str
    amount: Decimal
    payer: Partner | None = None
    reference: str = ""
    pass_numbers: Sequence[str] = ()
    credit_from: SaleReturn | None = None


def _amount(value) -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise DomainError(_("Un montant n'est pas un nombre.")) from error
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise DomainError(_("Chaque paiement est un montant positif de 99 999,99 € au plus."))
    if amount != amount.quantize(CENT):
        raise DomainError(_("Un montant se donne au centime près."))
    return amount.quantize(CENT)


def _pass_numbers(numbers: Sequence[str]) -> list[str]:
    cleaned = ["".join(str(number).split()).upper() for number in numbers]
    cleaned = [number for number in cleaned if number]
    if not cleaned:
        raise DomainError(_("Indiquez le numéro de chaque chèque Pass numérique."))
    if len(cleaned) > MAX_PASS_NUMBERS:
        raise DomainError(_("Trop de chèques Pass numérique pour une seule vente."))
    for number in cleaned:
        if not PASS_NUMBER.match(number):
            raise DomainError(
                _(
                    "« %(number)s » n'est pas un numéro de chèque Pass numérique (4 à 40 chiffres ou lettres)."
                )
                % {"number": number[:40]}
            )
    if len(set(cleaned)) != len(cleaned):
        raise DomainError(_("Le même chèque Pass numérique est saisi deux fois."))
    return cleaned


def _payment(actor, sale: Sale, entry: PaymentInput, now) -> tuple[Payment, list[str]]:
    method = entry.method
    if method not in PaymentMethod.values:
        raise DomainError(_("Ce moyen de paiement n'existe pas."))
    amount = _amount(entry.amount)
    reference = " ".join(str(entry.reference or "").split())[:60]
    payment = Payment(sale=sale, method=method, amount=amount, reference=reference, at=now)
    numbers: list[str] = []
    if method != PaymentMethod.THIRD_PARTY and entry.payer is not None:
        raise DomainError(_("Un organisme payeur ne s'indique que pour un tiers payeur."))
    if method != PaymentMethod.PASS_NUMERIQUE and entry.pass_numbers:
        raise DomainError(_("Des numéros de chèques ne s'indiquent que pour le Pass numérique."))
    if method != PaymentMethod.CREDIT and entry.credit_from is not None:
        raise DomainError(_("Un avoir ne s'indique que pour un paiement par avoir."))
    if method == PaymentMethod.THIRD_PARTY:
        payer = entry.payer
        if payer is None:
            raise DomainError(_("Choisissez l'organisme partenaire qui paie."))
        if not Partner.objects.filter(
            pk=payer.pk,
            network_id=sale.network_id,
            kind=OrganisationKind.PARTNER,
            is_active=True,
        ).exists():
            raise DomainError(_("Le tiers payeur doit être un partenaire actif du réseau."))
        payment.payer_id = payer.pk
    elif method == PaymentMethod.PASS_NUMERIQUE:
        numbers = _pass_numbers(entry.pass_numbers)
        payment.pass_numbers = numbers
    elif method == PaymentMethod.CREDIT:
        if entry.credit_from is None:
            raise DomainError(_("Choisissez le retour qui a donné l'avoir."))
        credit = credit_use_check(
            actor=actor,
            sale_return=entry.credit_from,
            beneficiary_id=sale.beneficiary_id,
            amount=amount,
        )
        payment.credit_from = credit
    _full_clean(payment, exclude=["sale"])
    return payment, numbers


def _next_receipt(sale: Sale, now) -> tuple[int, int]:
    """(year, number): the site's sequence row for the year, locked until the commit."""
    year = timezone.localtime(now).year
    ReceiptSequence.objects.bulk_create(
        [ReceiptSequence(site_id=sale.site_id, year=year)], ignore_conflicts=True
    )
    sequence = ReceiptSequence.objects.select_for_update().get(site_id=sale.site_id, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return year, sequence.last_number


def sale_pay(*, actor: Membership, sale: Sale, payments: Sequence[PaymentInput]) -> Sale:
    """Record the payments (summing exactly to the total), sell the reserved stock, number
    the receipt, set the warranty dates, open the subscription of a lent box."""
    if len(payments) > MAX_PAYMENTS:
        raise DomainError(_("Trop de paiements pour une seule vente."))
    with transaction.atomic():
        sale = _locked_sale(actor, sale, (SaleStatus.CONFIRMED,))
        now = clock.now()
        if sale.reserved_until is None or sale.reserved_until <= now:
            raise DomainError(
                _("La réservation du stock a pris fin : annulez cette vente et refaites le panier.")
            )
        if not payments and sale.total_price > 0:
            raise DomainError(_("Indiquez au moins un paiement."))
        built = [_payment(actor, sale, entry, now) for entry in payments]
        paid = sum((payment.amount for payment, _numbers in built), Decimal("0"))
        if paid != sale.total_price:
            raise DomainError(
                _("Les paiements font %(paid)s €, le total à payer est %(total)s €.")
                % {
                    "paid": str(paid).replace(".", ","),
                    "total": str(sale.total_price).replace(".", ","),
                }
            )
        numbers = [number for _payment_row, row_numbers in built for number in row_numbers]
        used = list(
            PassNumeriqueUse.objects.filter(
                network_id=sale.network_id, number__in=numbers
            ).values_list("number", flat=True)[:1]
        )
        if used:
            raise DomainError(
                _("Le chèque Pass numérique n° %(number)s a déjà été utilisé.")
                % {"number": used[0]}
            )
        for payment, row_numbers in built:
            payment.save()
            if row_numbers:
                try:
                    with transaction.atomic():
                        PassNumeriqueUse.objects.bulk_create(
                            [
                                PassNumeriqueUse(
                                    network_id=sale.network_id, number=number, payment=payment
                                )
                                for number in row_numbers
                            ]
                        )
                except IntegrityError as error:
                    raise DomainError(
                        _("Un de ces chèques Pass numérique vient d'être utilisé.")
                    ) from error
        lines = list(sale.lines.select_related("offer", "reservation").order_by("offer_id", "pk"))
        day = timezone.localtime(now).date()
        for line in lines:
            if line.reservation_id is not None:
                reservations.stock_sell(actor=actor, reservation=line.reservation, at=now)
            if line.kind == SaleLineKind.ITEM and line.offer.warranty_months:
                line.warranty_until = add_months(day, line.offer.warranty_months)
                line.save(update_fields=["warranty_until"])
        year, number = _next_receipt(sale, now)
        sale.receipt_year = year
        sale.receipt_sequence = number
        sale.receipt_number = f"{sale.site.short_code}-{year}-{number:05d}"
        settings = CounterSettings.of_network(sale.network_id)
        sale.vat_mention = vat_mention(settings.vat_regime)
        sale.seller = {
            "legal_name": settings.legal_name or sale.network.name,
            "siret": settings.siret,
            "address": settings.address,
        }
        sale.status = SaleStatus.PAID
        sale.paid_at = now
        sale.paid_by = actor.user
        _full_clean(sale)
        sale.save()
        figures_marks.mark_sale(sale)
        for line in lines:
            if line.kind == SaleLineKind.ITEM and line.offer.family in LENT_FAMILIES:
                boxes.subscription_open(actor=actor, line=line, at=now)
        _record(
            actor,
            "sale.paid",
            sale,
            receipt=sale.receipt_number,
            total=str(sale.total_price),
            methods=sorted({payment.method for payment, _numbers in built}),
        )
    return sale


# --- cancellation and expiry -----------------------------------------------------------


def _forget_quotas(lines: Sequence[SaleLine]) -> None:
    QuotaConsumption.objects.filter(
        reference_kind=QUOTA_REFERENCE, reference_id__in=[line.pk for line in lines]
    ).delete()


def sale_cancel(*, actor: Membership, sale: Sale, reason: str) -> Sale:
    """End a sale before payment: the stock held comes back, its quota lines are deleted
    (a sale never paid never counted)."""
    reason = _clean_reason(reason, required=_("Dites pourquoi la vente est annulée."))
    with transaction.atomic():
        sale = _locked_sale(actor, sale, (SaleStatus.CART, SaleStatus.CONFIRMED))
        lines = list(sale.lines.all())
        held = list(
            Reservation.objects.select_for_update(of=("self",))
            .filter(pk__in=[line.reservation_id for line in lines if line.reservation_id])
            .order_by("pk")
        )
        for reservation in held:
            if reservation.status == ReservationStatus.ACTIVE:
                reservations.reservation_release(
                    actor=actor, reservation=reservation, reason=reason
                )
        _forget_quotas(lines)
        now = clock.now()
        sale.status = SaleStatus.CANCELLED
        sale.ended_at = now
        sale.ended_by = actor.user
        sale.cancel_reason = reason
        _full_clean(sale)
        sale.save(update_fields=["status", "ended_at", "ended_by", "cancel_reason", "updated_at"])
        if sale.paid_at is not None:  # never, today: only unpaid sales are cancelled
            figures_marks.mark_sale(sale)
        _record(actor, "sale.cancelled", sale, reason=reason, lines=len(lines))
    return sale


def sales_expire(*, now: datetime.datetime | None = None, batch: int = 100) -> int:
    """Confirmed sales whose hold ran out: their reservations expire (``offers``), their
    quota lines are deleted, they become ``expired``. A sale being paid right now (locked)
    is left to the next run. Returns how many expired."""
    now = now or clock.now()
    reservations.reservations_expire(now=now)
    expired = 0
    skipped: set[int] = set()
    while True:
        with transaction.atomic():
            due = list(
                Sale.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=SaleStatus.CONFIRMED, reserved_until__lte=now)
                .exclude(pk__in=skipped)
                .order_by("reserved_until", "pk")[:batch]
            )
            done = []
            for sale in due:
                lines = list(sale.lines.select_related("reservation"))
                if any(
                    line.reservation is not None
                    and line.reservation.status == ReservationStatus.ACTIVE
                    for line in lines
                ):
                    skipped.add(sale.pk)  # its stock is being sold or released right now
                    continue
                _forget_quotas(lines)
                sale.status = SaleStatus.EXPIRED
                sale.ended_at = now
                sale.save(update_fields=["status", "ended_at", "updated_at"])
                done.append(sale)
            journal.record_many(
                journal.build_entry(
                    actor=None,
                    action="sale.expired",
                    obj=sale,
                    site=sale.site_id,
                    payload={"beneficiary": sale.beneficiary_id},
                    at=now,
                )
                for sale in done
            )
        expired += len(done)
        if len(due) < batch:
            return expired


# --- settings -------------------------------------------------------------------------------

SETTINGS_FIELDS = (
    "legal_name",
    "siret",
    "address",
    "vat_regime",
    "receipt_footer",
    "hold_minutes",
    "return_days",
)


def counter_settings_update(*, actor: Membership, data: dict) -> CounterSettings:
    """The network admin's counter settings: seller identity, VAT regime, hold, returns."""
    if actor is None or not actor.is_active or actor.role not in SETTINGS_ROLES:
        raise DomainError(_("Seule l'administration du réseau règle le comptoir."))
    network_id = actor.organisation_id
    with transaction.atomic():
        settings, _created = CounterSettings.objects.select_for_update().get_or_create(
            network_id=network_id
        )
        changed = []
        for name in SETTINGS_FIELDS:
            if name in data:
                value = data[name]
                if isinstance(value, str):
                    value = " ".join(value.split())
                if getattr(settings, name) != value:
                    setattr(settings, name, value)
                    changed.append(name)
        if settings.siret and not re.fullmatch(r"\d{14}", settings.siret):
            raise DomainError(_("Le SIRET compte 14 chiffres."))
        _full_clean(settings)
        settings.save()
        journal.record(
            actor=actor.user,
            action="counter_settings.updated",
            obj=settings,
            payload={"fields": changed},
        )
    return settings
