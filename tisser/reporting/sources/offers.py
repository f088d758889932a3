"""Indicators drawn from the solidarity offers (paid sales, returns) and the in-kind
donations (donation lots). The rules are decision 0051's (``tisser/sales/reporting.py``):

- Only **paid** sales count, on the Paris day they were paid, at the sale's site; carts,
  cancelled and expired sales never count.
- What came back (``SaleReturn``) is taken out of the **sale it came from**, whenever it
  came back: a return recorded in May takes the unit out of the January sale's day (the
  writing service marks that day stale).
- A **unit** is one device, one code or card (a code line keeps its codes with the lowest
  ids up to the quantity not returned), or one unit of a quantity offer; a month of a box
  subscription is revenue and a connection, not a unit.
- Devices and codes carry their **donation lot**; the lot's dotation is the row's facet
  (``dotation:<id>``), so a funder's figures count only what its dotations gave
  (``Reach.DOTATIONS``) and a person helped by two funders' units counts once in the network
  and once for each funder: the network's total is not the sum of the funders'.

One row per unit row of a paid sale's line: a device line, each code of a code line, or
any other line (quantity offers, subscription months). Money is summed in cents (each row's
amount rounded to the cent) and shown in euros (``divisor`` 100), so the raw records and
the roll-ups add up the same integers.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.utils.translation import gettext_lazy as _

from tisser.core import stale_figures
from tisser.funding.enums import CONNECTION_FAMILIES, EQUIPMENT_FAMILIES, OfferFamily
from tisser.funding.models import DonationLot
from tisser.offers.enums import Tracking
from tisser.offers.models import Voucher
from tisser.reporting.enums import FacetKind, Group, Measure, Reach, Unit
from tisser.reporting.indicators import Indicator, Window
from tisser.reporting.rows import facet, in_window, in_window_at, paris_day, person
from tisser.sales.enums import SaleLineKind, SaleStatus
from tisser.sales.models import SaleLine, SaleReturn

VOUCHER = "reservation__vouchers"


def family_keys() -> dict[str, str]:
    return {value: str(label) for value, label in OfferFamily.choices}


def cents(expression) -> Cast:
    """A euro amount as whole cents (rounded), so that sums are exact on every database."""
    return Cast(Round(Cast(expression, FloatField()) * Value(100.0)), IntegerField())


def _returned() -> Coalesce:
    """Units of the outer sale line taken back by returns (whenever they came back)."""
    returns = (
        SaleReturn.objects.filter(line_id=OuterRef("pk"))
        .order_by()
        .values("line_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(returns, output_field=IntegerField()), Value(0))


def _rank() -> Subquery:
    """The rank of the row's code within its line's codes, lowest id first."""
    return Subquery(
        Voucher.objects.filter(
            reservation_id=OuterRef("reservation_id"), pk__lte=OuterRef("unit_voucher")
        )
        .order_by()
        .values("reservation_id")
        .annotate(rank=Count("pk"))
        .values("rank"),
        output_field=IntegerField(),
    )


def units(window: Window) -> QuerySet:
    """The unit rows kept of the paid sales of the window: a device line, each code of a
    code line kept, any other line with units kept. Annotated with ``kept`` (units on the
    row), ``unit_lot``, ``unit_dotation`` and the contract's ``site_id``, ``day``, ``key``
    (offer family), ``facet`` (the lot's dotation) and ``person``."""
    lines = SaleLine.objects.filter(
        in_window_at(window, at="sale__paid_at", site="sale__site_id"),
        sale__status=SaleStatus.PAID,
    ).annotate(
        unit_voucher=F(f"{VOUCHER}__pk"),
        unit_lot=Coalesce(F("device__lot_id"), F(f"{VOUCHER}__lot_id")),
        unit_dotation=Coalesce(F("device__lot__dotation_id"), F(f"{VOUCHER}__lot__dotation_id")),
        lot_value=Coalesce(
            F("device__lot__valuation_amount"), F(f"{VOUCHER}__lot__valuation_amount")
        ),
        lot_quantity=Coalesce(F("device__lot__quantity"), F(f"{VOUCHER}__lot__quantity")),
        line_kept=F("quantity") - _returned(),
    )
    return (
        lines.annotate(
            kept=Case(
                When(device__isnull=False, then=Value(1) - _returned()),
                When(
                    unit_voucher__isnull=False,
                    then=Case(
                        When(Q(line_kept__gte=_rank()), then=Value(1)),
                        default=Value(0),
                    ),
                ),
                # A code line whose codes are not linked: its units are not known.
                When(Q(kind=SaleLineKind.ITEM, offer__tracking=Tracking.VOUCHER), then=Value(0)),
                default=F("line_kept"),
                output_field=IntegerField(),
            )
        )
        .filter(kept__gt=0)
        .annotate(
            site_id=F("sale__site_id"),
            day=paris_day("sale__paid_at"),
            key=F("offer__family"),
            facet=facet(FacetKind.DOTATION, "unit_dotation"),
            person=person("sale__beneficiary"),
        )
        .order_by()
    )


PEOPLE_FIELDS = ("site_id", "day", "key", "facet", "person")
AMOUNT_FIELDS = ("site_id", "day", "key", "facet", "amount")


def people_offers_rows(window: Window) -> QuerySet:
    return units(window).values(*PEOPLE_FIELDS)


def people_equipped_rows(window: Window) -> QuerySet:
    return (
        units(window)
        .filter(device__isnull=False, offer__family__in=sorted(EQUIPMENT_FAMILIES))
        .values(*PEOPLE_FIELDS)
    )


def people_connected_rows(window: Window) -> QuerySet:
    return (
        units(window).filter(offer__family__in=sorted(CONNECTION_FAMILIES)).values(*PEOPLE_FIELDS)
    )


def people_with_device_rows(window: Window) -> QuerySet:
    return units(window).filter(device__isnull=False).values(*PEOPLE_FIELDS)


def devices_distributed_rows(window: Window) -> QuerySet:
    return (
        units(window).filter(device__isnull=False).annotate(amount=F("kept")).values(*AMOUNT_FIELDS)
    )


def units_distributed_rows(window: Window) -> QuerySet:
    return (
        units(window)
        .filter(kind=SaleLineKind.ITEM)
        .annotate(amount=F("kept"))
        .values(*AMOUNT_FIELDS)
    )


def solidarity_revenue_rows(window: Window) -> QuerySet:
    return units(window).annotate(amount=cents(F("unit_price")) * F("kept")).values(*AMOUNT_FIELDS)


def market_value_rows(window: Window) -> QuerySet:
    return (
        units(window)
        .annotate(amount=cents(F("unit_market_price")) * F("kept"))
        .values(*AMOUNT_FIELDS)
    )


def savings_rows(window: Window) -> QuerySet:
    return (
        units(window)
        .annotate(amount=(cents(F("unit_market_price")) - cents(F("unit_price"))) * F("kept"))
        .values(*AMOUNT_FIELDS)
    )


def donation_value_used_rows(window: Window) -> QuerySet:
    """Each unit kept that came from a lot: the lot's value ÷ its quantity, in cents."""
    return (
        units(window)
        .filter(unit_lot__isnull=False)
        .annotate(
            amount=Cast(
                Round(Cast(F("lot_value"), FloatField()) * Value(100.0) / F("lot_quantity")),
                IntegerField(),
            )
            * F("kept")
        )
        .values(*AMOUNT_FIELDS)
    )


def donation_value_received_rows(window: Window) -> QuerySet:
    """Each donation lot received in the window, at the site that received it: its value."""
    return (
        DonationLot.objects.filter(in_window(window, day="received_on"))
        .annotate(
            day=F("received_on"),
            key=F("family"),
            facet=facet(FacetKind.DOTATION, "dotation_id"),
            amount=cents(F("valuation_amount")),
        )
        .order_by()
        .values(*AMOUNT_FIELDS)
    )


# --- the catalogue ---------------------------------------------------------------------------


def _offer(**values) -> Indicator:
    values.setdefault("group", Group.OFFERS)
    values.setdefault("dimension", stale_figures.SALES)
    return Indicator(
        facet_kind=FacetKind.DOTATION,
        reach=Reach.DOTATIONS,
        keys=family_keys,
        **values,
    )


SALES_SOURCES = _(
    "Ventes solidaires payées (leurs lignes, appareils et codes), moins les retours ; lots "
    "de dons d'où viennent les appareils et les codes."
)

INDICATORS = [
    _offer(
        code="people_offers",
        label=_("Personnes ayant bénéficié d'offres solidaires"),
        definition=_(
            "Personnes distinctes ayant acheté au moins une offre solidaire (équipement, "
            "recharge, carte SIM, box, clé 4G, mois d'abonnement) dans une vente payée de la "
            "période et ne l'ayant pas rendue. Ventes annulées ou expirées exclues. Une "
            "personne venue plusieurs fois, ou dans plusieurs espaces, compte une fois. Pour "
            "un donateur : les personnes qui ont reçu une unité de ses dotations."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        sources=SALES_SOURCES,
        rows=people_offers_rows,
        seed_figure=_(
            "plus de 8 000 personnes accompagnées avec les offres d'accès solidaires en 2018"
        ),
    ),
    _offer(
        code="people_equipped",
        label=_("Personnes équipées"),
        definition=_(
            "Personnes distinctes ayant acheté et gardé un appareil reconditionné "
            "(smartphone, ordinateur portable ou fixe, tablette) dans la période."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        sources=SALES_SOURCES,
        rows=people_equipped_rows,
    ),
    _offer(
        code="people_connected",
        label=_("Personnes connectées"),
        definition=_(
            "Personnes distinctes ayant acheté et gardé une offre de connexion dans la "
            "période : recharge, carte SIM, box ou clé 4G, ou un mois d'abonnement à une box."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        sources=SALES_SOURCES,
        rows=people_connected_rows,
    ),
    _offer(
        code="people_with_device",
        label=_("Personnes ayant reçu un appareil"),
        definition=_(
            "Personnes distinctes ayant acheté et gardé un appareil numéroté (équipement, box "
            "ou clé 4G) dans la période : la base du nombre d'appareils distribués."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        sources=SALES_SOURCES,
        rows=people_with_device_rows,
    ),
    _offer(
        code="devices_distributed",
        label=_("Appareils distribués"),
        definition=_(
            "Appareils numérotés vendus dans des ventes payées de la période et non rendus, "
            "par famille."
        ),
        unit=Unit.COUNT,
        measure=Measure.SUM,
        sources=SALES_SOURCES,
        rows=devices_distributed_rows,
        base="people_with_device",
    ),
    _offer(
        code="units_distributed",
        label=_("Offres distribuées"),
        definition=_(
            "Unités vendues dans des ventes payées de la période et non rendues, par famille : "
            "un appareil, un code ou une carte, une unité d'une offre vendue à la quantité. "
            "Les mois d'abonnement n'en sont pas."
        ),
        unit=Unit.COUNT,
        measure=Measure.SUM,
        sources=SALES_SOURCES,
        rows=units_distributed_rows,
        base="people_offers",
    ),
    _offer(
        code="solidarity_revenue",
        label=_("Recettes solidaires"),
        definition=_(
            "Ce qui a été payé au prix solidaire (par la personne, un tiers payeur ou un "
            "Pass numérique) pour les unités gardées et les mois d'abonnement, en euros."
        ),
        unit=Unit.EUROS,
        measure=Measure.SUM,
        sources=SALES_SOURCES,
        rows=solidarity_revenue_rows,
        base="people_offers",
        divisor=100,
    ),
    _offer(
        code="market_value",
        label=_("Valeur marché des offres"),
        definition=_(
            "Prix de référence du marché des unités gardées et des mois d'abonnement, en euros."
        ),
        unit=Unit.EUROS,
        measure=Measure.SUM,
        sources=SALES_SOURCES,
        rows=market_value_rows,
        base="people_offers",
        divisor=100,
    ),
    _offer(
        code="savings",
        label=_("Économies des personnes"),
        definition=_(
            "Ce que les personnes n'ont pas payé : valeur marché moins prix solidaire, sur les "
            "unités gardées et les mois d'abonnement, en euros."
        ),
        unit=Unit.EUROS,
        measure=Measure.SUM,
        sources=SALES_SOURCES,
        rows=savings_rows,
        base="people_offers",
        divisor=100,
    ),
    _offer(
        code="donation_value_used",
        label=_("Valeur des dons en nature utilisés"),
        definition=_(
            "Pour chaque appareil ou code gardé qui vient d'un lot de dons : la valeur du lot "
            "divisée par son nombre d'unités (arrondie au centime), en euros. Compté au jour "
            "de la vente."
        ),
        unit=Unit.EUROS,
        measure=Measure.SUM,
        group=Group.DONATIONS,
        sources=SALES_SOURCES,
        rows=donation_value_used_rows,
        base="people_offers",
        divisor=100,
    ),
    _offer(
        code="donation_value_received",
        label=_("Valeur des dons en nature reçus"),
        definition=_(
            "Valeur déclarée des lots de dons (appareils, codes, cartes) reçus dans la "
            "période, au jour et dans l'espace de leur réception, en euros."
        ),
        unit=Unit.EUROS,
        measure=Measure.SUM,
        group=Group.DONATIONS,
        dimension=stale_figures.STOCK,
        sources=_("Lots de dons en nature enregistrés (valeur et date de réception)."),
        rows=donation_value_received_rows,
        divisor=100,
        seed_figure=_("4 millions d'euros de dons en nature par an"),
    ),
]
