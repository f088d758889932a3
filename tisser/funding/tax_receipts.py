"""Tax receipts (reçus fiscaux) for in-kind gifts: the network's setting, issuing, cancelling,
and what the PDF says (docs/decisions/0037-tax-receipts.md).

A receipt covers one donor's lots of one year that no receipt covers yet. Its number is
``<year>-<sequence>`` with a sequence per network and year that has no gap: issuing locks the
network's settings row, so two admins issuing at once are served one after the other, and the
next number is the highest one of that year plus one (a cancelled receipt keeps its number).
Everything printed is copied onto the receipt at issue (donor, gifts, organisme, signatory),
so that a reprint years later is the same document.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership
from tisser.core import clock
from tisser.core.dates import format_day
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.core.money import format_euros
from tisser.funding.enums import (
    DonorKind,
    LotUnit,
    OfferFamily,
    OrganismeQuality,
    TaxReceiptStatus,
    ValuationMethod,
)
from tisser.funding.models import DonationLot, Donor, TaxReceipt, TaxReceiptSettings
from tisser.funding.services import _full_clean, _require_role, _save_changed

SETTINGS_FIELDS = (
    "issues_tax_receipts",
    "legal_name",
    "siren",
    "rna",
    "address",
    "postal_code",
    "city",
    "object",
    "quality",
    "signatory_name",
    "signatory_title",
    "ifi_eligible",
)
# What a receipt cannot be issued without (the Cerfa's mandatory mentions).
REQUIRED_FOR_ISSUE = {
    "legal_name": _("le nom de l'organisme"),
    "address": _("son adresse"),
    "postal_code": _("son code postal"),
    "city": _("sa commune"),
    "object": _("son objet"),
    "signatory_name": _("le nom du signataire"),
    "signatory_title": _("la qualité du signataire"),
}
SETTINGS_OFF = _(
    "Le réseau n'émet pas de reçus fiscaux : un administrateur peut l'activer dans les "
    "réglages des reçus fiscaux."
)
UNIT_PLURALS = {
    LotUnit.DEVICE: ("appareil", "appareils"),
    LotUnit.CARD: ("carte", "cartes"),
    LotUnit.CODE: ("code", "codes"),
    LotUnit.PIECE: ("pièce", "pièces"),
}


# --- settings --------------------------------------------------------------------------


def settings_update(*, actor: Membership, data: Mapping[str, Any]) -> list[str]:
    """The network admin sets whether and as whom the network issues receipts."""
    _require_role(actor, Role.NETWORK_ADMIN)
    refused = sorted(set(data).difference(SETTINGS_FIELDS))
    if refused:
        raise DomainError(_("Vous ne pouvez pas modifier ces informations."))
    with transaction.atomic():
        settings, created = TaxReceiptSettings.objects.select_for_update().get_or_create(
            network_id=actor.organisation_id
        )
        candidate = {**{name: getattr(settings, name) for name in SETTINGS_FIELDS}, **data}
        if candidate["issues_tax_receipts"]:
            missing = [
                str(label) for name, label in REQUIRED_FOR_ISSUE.items() if not candidate[name]
            ]
            if missing:
                raise DomainError(
                    _("Pour émettre des reçus fiscaux, indiquez %(missing)s.")
                    % {"missing": ", ".join(missing)}
                )
        changed = _save_changed(settings, data)
        if changed or created:
            record(
                actor=actor.user,
                action="tax_receipt_settings.updated",
                obj=settings,
                payload={"fields": changed, "issues_tax_receipts": settings.issues_tax_receipts},
            )
    return changed


def may_issue(settings: TaxReceiptSettings | None) -> str:
    """Why no receipt can be issued now ("" when one can)."""
    if settings is None or not settings.issues_tax_receipts:
        return str(SETTINGS_OFF)
    missing = [
        str(label) for name, label in REQUIRED_FOR_ISSUE.items() if not getattr(settings, name)
    ]
    if missing:
        return _("Pour émettre des reçus fiscaux, indiquez %(missing)s.") % {
            "missing": ", ".join(missing)
        }
    return ""


# --- issuing and cancelling ------------------------------------------------------------


def articles_for(donor_kind: str, settings: TaxReceiptSettings) -> str:
    """The CGI articles the gift falls under: 238 bis for a company, 200 for a person (and
    978, the IFI, when the organisme is eligible to it)."""
    if donor_kind == DonorKind.ORGANISATION:
        return "238 bis"
    return "200, 978" if settings.ifi_eligible else "200"


def _describe(lots: list[DonationLot]) -> tuple[str, str, str]:
    """The gifts (one line per lot), their dates, and the valuation methods used."""
    families = dict(OfferFamily.choices)
    methods = dict(ValuationMethod.choices)
    lines = []
    for lot in lots:
        singular, plural = UNIT_PLURALS.get(lot.unit, (lot.unit, lot.unit))
        lines.append(
            _("%(day)s : %(family)s, %(quantity)s %(unit)s, %(amount)s (%(method)s)")
            % {
                "day": format_day(lot.received_on),
                "family": families.get(lot.family, lot.family),
                "quantity": lot.quantity,
                "unit": singular if lot.quantity == 1 else plural,
                "amount": format_euros(lot.valuation_amount),
                "method": str(methods.get(lot.valuation_method, lot.valuation_method)).lower(),
            }
        )
    first, last = lots[0].received_on, lots[-1].received_on
    period = (
        format_day(first)
        if first == last
        else _("du %(first)s au %(last)s") % {"first": format_day(first), "last": format_day(last)}
    )
    used = sorted({lot.valuation_method for lot in lots})
    return "\n".join(lines), period, "; ".join(str(methods[code]) for code in used)


def tax_receipt_issue(*, actor: Membership, donor: Donor, year: int) -> TaxReceipt:
    """Issue the receipt of ``donor``'s lots of ``year`` that no receipt covers yet."""
    _require_role(actor, Role.NETWORK_ADMIN)
    network_id = actor.organisation_id
    with transaction.atomic():
        # The lock that keeps the numbering without gaps: one issue at a time per network.
        settings = (
            TaxReceiptSettings.objects.select_for_update().filter(network_id=network_id).first()
        )
        refusal = may_issue(settings)
        if refusal:
            raise DomainError(refusal)
        donor = Donor.objects.filter(pk=donor.pk, network_id=network_id).first()
        if donor is None:
            raise DomainError(_("Ce donateur n'est pas dans votre réseau."))
        lots = list(
            DonationLot.objects.select_for_update()
            .filter(donor=donor, received_on__year=year, tax_receipt__isnull=True)
            .order_by("received_on", "pk")
        )
        if not lots:
            raise DomainError(
                _("Aucun lot de « %(name)s » reçu en %(year)s n'attend de reçu fiscal.")
                % {"name": donor.name, "year": year}
            )
        last = TaxReceipt.objects.filter(network_id=network_id, year=year).aggregate(
            last=Max("sequence")
        )["last"]
        sequence = (last or 0) + 1
        description, period, methods = _describe(lots)
        receipt = TaxReceipt(
            network_id=network_id,
            donor=donor,
            year=year,
            sequence=sequence,
            number=f"{year}-{sequence:05d}",
            issued_on=clock.localdate(),
            issued_by=actor.user,
            amount=sum((lot.valuation_amount for lot in lots), Decimal("0.00")),
            donor_name=donor.name,
            donor_address=", ".join(
                part
                for part in (donor.address, f"{donor.postal_code} {donor.city}".strip())
                if part
            ),
            donor_kind=donor.kind,
            donor_siren=donor.siren,
            gifts_description=description,
            gifts_period=period,
            valuation_methods=methods[:400],
            articles=articles_for(donor.kind, settings),
            organisme_name=settings.legal_name,
            organisme_ids=" · ".join(
                part
                for part in (
                    f"SIREN {settings.siren}" if settings.siren else "",
                    f"RNA {settings.rna}" if settings.rna else "",
                )
                if part
            ),
            organisme_address=f"{settings.address}, {settings.postal_code} {settings.city}",
            organisme_object=settings.object,
            organisme_quality=settings.quality,
            issued_at_place=settings.city,
            signatory=f"{settings.signatory_name}, {settings.signatory_title}",
        )
        _full_clean(receipt, validate_unique=False)
        receipt.save()
        DonationLot.objects.filter(pk__in=[lot.pk for lot in lots]).update(tax_receipt=receipt)
        record(
            actor=actor.user,
            action="tax_receipt.issued",
            obj=receipt,
            payload={
                "number": receipt.number,
                "donor_id": donor.pk,
                "year": year,
                "lot_ids": [lot.pk for lot in lots],
                "amount": str(receipt.amount),
            },
        )
    return receipt


def tax_receipt_cancel(*, actor: Membership, receipt: TaxReceipt, reason: str) -> TaxReceipt:
    """Cancel a receipt: it keeps its number, says why, and its lots may get a new one."""
    _require_role(actor, Role.NETWORK_ADMIN)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DomainError(_("Indiquez le motif de l'annulation (au moins 5 caractères)."))
    with transaction.atomic():
        locked = (
            TaxReceipt.objects.visible_to(actor).select_for_update().filter(pk=receipt.pk).first()
        )
        if locked is None:
            raise DomainError(_("Ce reçu fiscal n'est pas dans votre réseau."))
        if locked.status == TaxReceiptStatus.CANCELLED:
            raise DomainError(_("Ce reçu fiscal est déjà annulé."))
        lot_ids = list(locked.lots.values_list("pk", flat=True))
        locked.status = TaxReceiptStatus.CANCELLED
        locked.cancelled_reason = reason[:300]
        locked.cancelled_on = clock.localdate()
        locked.save(update_fields=["status", "cancelled_reason", "cancelled_on", "updated_at"])
        DonationLot.objects.filter(pk__in=lot_ids).update(tax_receipt=None)
        record(
            actor=actor.user,
            action="tax_receipt.cancelled",
            obj=locked,
            reason=reason,
            payload={"number": locked.number, "lot_ids": lot_ids},
        )
    return locked


# --- the document ----------------------------------------------------------------------

_UNITS = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "dix-sept",
    "dix-huit",
    "dix-neuf",
]
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_100(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):  # soixante-dix…, quatre-vingt-dix…
        base = "soixante" if tens == 7 else "quatre-vingt"
        rest = _UNITS[10 + unit]
        joiner = " et " if tens == 7 and unit == 1 else "-"
        return f"{base}{joiner}{rest}"
    if tens == 8:
        return "quatre-vingts" if unit == 0 else f"quatre-vingt-{_UNITS[unit]}"
    if unit == 0:
        return _TENS[tens]
    if unit == 1:
        return f"{_TENS[tens]} et un"
    return f"{_TENS[tens]}-{_UNITS[unit]}"


def _below_1000(n: int, *, final: bool) -> str:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        if hundreds == 1:
            words.append("cent")
        else:
            words.append(f"{_UNITS[hundreds]} cent{'s' if rest == 0 and final else ''}")
    if rest:
        text = _below_100(rest)
        if not final and text == "quatre-vingts":
            text = "quatre-vingt"
        words.append(text)
    return " ".join(words)


def number_in_words(n: int) -> str:
    """A whole number in French words (traditional spelling), up to 999 999 999."""
    if n == 0:
        return "zéro"
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    words = []
    if millions:
        words.append(f"{_below_1000(millions, final=True)} million{'s' if millions > 1 else ''}")
    if thousands:
        words.append("mille" if thousands == 1 else f"{_below_1000(thousands, final=False)} mille")
    if units:
        words.append(_below_1000(units, final=True))
    return " ".join(words)


def euros_in_words(amount: Decimal) -> str:
    """``mille deux cent trente-quatre euros et cinquante centimes``."""
    cents_total = int((amount * 100).quantize(Decimal("1")))
    euros, cents = divmod(cents_total, 100)
    text = f"{number_in_words(euros)} euro{'s' if euros > 1 else ''}"
    if euros and euros % 1_000_000 == 0:
        text = f"{number_in_words(euros)} d'euros"
    if cents:
        centimes = f"{number_in_words(cents)} centime{'s' if cents > 1 else ''}"
        text = f"{text} et {centimes}" if euros else centimes
    return text


@dataclass(frozen=True)
class Document:
    receipt: TaxReceipt
    amount: str
    amount_in_words: str
    quality: str
    gift_lines: list[str]
    articles: list[str]
    issued_on: str
    cancelled_on: str


def build_document(receipt: TaxReceipt) -> Document:
    """What the PDF prints, from the receipt's frozen copy only."""
    return Document(
        receipt=receipt,
        amount=format_euros(receipt.amount),
        amount_in_words=euros_in_words(receipt.amount),
        quality=str(dict(OrganismeQuality.choices).get(receipt.organisme_quality, "")),
        gift_lines=[line for line in receipt.gifts_description.splitlines() if line.strip()],
        articles=[part.strip() for part in receipt.articles.split(",") if part.strip()],
        issued_on=format_day(receipt.issued_on),
        cancelled_on=format_day(receipt.cancelled_on) if receipt.cancelled_on else "",
    )
