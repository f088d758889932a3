"""The demo network's donors, conventions, dotations, donation lots and one tax receipt.

Shaped on the press release (``../shared/seed/``): the telecom operator gives about 4 M€ of
in-kind donations a year across the network's twelve spaces (devices, SIM cards, recharges,
boxes); the city, the metropolis, a foundation, the family allowance fund and the employment
service fund the spaces under conventions (the employment service's will later fund the
32-hour programme). Two private persons give a laptop or a phone now and then. The network
is an association of general interest that issues tax receipts (docs/decisions/0037), and one
receipt is issued. Everything is written with ``bulk_create`` in a few queries; the receipt
goes through the service, like an admin's click.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from tisser.accounts.enums import FunderKind, Role
from tisser.accounts.models import Funder, Membership, Organisation, Site
from tisser.core.clock import ManualClock, localdate
from tisser.funding import services, tax_receipts
from tisser.funding.enums import (
    DonorKind,
    LotUnit,
    OfferFamily,
    OrganismeQuality,
    ValuationMethod,
)
from tisser.funding.models import (
    Convention,
    DonationLot,
    Donor,
    Dotation,
    TaxReceiptSettings,
)

DEMO_RANDOM_SEED = 10
# The press release's order of magnitude, for the twelve spaces of the ``full`` profile.
OPERATOR_YEARLY_VALUE = Decimal("4000000.00")
FULL_SITE_COUNT = 12
OPERATOR_LOTS_PER_YEAR = 36  # three deliveries a month, for the whole network
# Families the operator gives, with a unit, a unit value (€) and a share of the year's value.
OPERATOR_FAMILIES = (
    (OfferFamily.SMARTPHONE, LotUnit.DEVICE, Decimal("120.00"), Decimal("0.30")),
    (OfferFamily.LAPTOP, LotUnit.DEVICE, Decimal("250.00"), Decimal("0.25")),
    (OfferFamily.TABLET, LotUnit.DEVICE, Decimal("150.00"), Decimal("0.05")),
    (OfferFamily.BOX, LotUnit.DEVICE, Decimal("80.00"), Decimal("0.05")),
    (OfferFamily.SIM, LotUnit.CARD, Decimal("10.00"), Decimal("0.10")),
    (OfferFamily.RECHARGE, LotUnit.CODE, Decimal("20.00"), Decimal("0.25")),
)
REFURBISHER = "Atelier de reconditionnement solidaire du réseau"
# Conventions of the funders that give money, not goods: which spaces each one covers.
FUNDER_CONVENTIONS = {
    FunderKind.CITY: (
        "VDS",
        "Soutien à l'espace de solidarité numérique de Strasbourg",
        "Strasbourg",
    ),
    FunderKind.METROPOLIS: ("EMS", "Inclusion numérique dans l'Eurométropole", "Strasbourg"),
    FunderKind.FOUNDATION: ("FSNCF", "Accès au numérique des personnes en précarité", None),
    FunderKind.FAMILY_ALLOWANCE_FUND: (
        "CAF67",
        "Accès aux droits en ligne des familles",
        "Strasbourg",
    ),
    FunderKind.EMPLOYMENT_SERVICE: ("FT67", "Compétences numériques des demandeurs d'emploi", None),
}
PERSONS = (
    ("Marie Schneider", "8 rue des Hallebardes", "67000", "Strasbourg"),
    ("Paul Girard", "14 quai Saint-Vincent", "69001", "Lyon"),
)


@dataclass
class DemoFundingResult:
    donors: int
    conventions: int
    dotations: int
    lots: int
    receipts: int
    seconds: float


def _operator_lots(
    donor: Donor,
    dotations: dict[int, Dotation],
    sites: list[Site],
    recorder,
    rng: random.Random,
    *,
    today: datetime.date,
    scale: Decimal,
) -> list[DonationLot]:
    """A year of deliveries, each of one family, worth the year's value × ``scale``."""
    count = max(6, round(OPERATOR_LOTS_PER_YEAR * float(scale)))
    lots = []
    for index in range(count):
        family, unit, unit_value, share = OPERATOR_FAMILIES[index % len(OPERATOR_FAMILIES)]
        per_family = -(-count // len(OPERATOR_FAMILIES))
        value = OPERATOR_YEARLY_VALUE * scale * share / per_family
        quantity = max(1, int(value / unit_value))
        received_on = today - datetime.timedelta(days=3 + (index * 360) // count)
        method = (
            ValuationMethod.FACE_VALUE
            if family in (OfferFamily.RECHARGE, OfferFamily.SIM)
            else ValuationMethod.COST_PRICE
        )
        equipment = unit == LotUnit.DEVICE and family not in (OfferFamily.BOX,)
        lots.append(
            DonationLot(
                donor=donor,
                dotation=dotations.get(received_on.year),
                site=sites[index % len(sites)],
                received_on=received_on,
                family=family,
                quantity=quantity,
                unit=unit,
                valuation_method=method,
                valuation_amount=(unit_value * quantity).quantize(Decimal("0.01")),
                refurbisher=REFURBISHER if equipment else "",
                erasure_certificate=f"EFF-{received_on:%Y%m}-{index + 1:03d}" if equipment else "",
                reference=f"BL-OP-{received_on:%y%m%d}-{rng.randint(100, 999)}",
                recorded_by=recorder,
            )
        )
    return lots


def _person_lots(donors: list[Donor], sites: list[Site], recorder, *, today: datetime.date):
    lots = []
    for index, donor in enumerate(donors):
        for number in range(3):
            received_on = today - datetime.timedelta(days=20 + 45 * number + 11 * index)
            laptop = (number + index) % 2 == 0
            lots.append(
                DonationLot(
                    donor=donor,
                    site=sites[index % len(sites)],
                    received_on=received_on,
                    family=OfferFamily.LAPTOP if laptop else OfferFamily.SMARTPHONE,
                    quantity=1,
                    unit=LotUnit.DEVICE,
                    valuation_method=ValuationMethod.MARKET_VALUE,
                    valuation_amount=Decimal("180.00") if laptop else Decimal("90.00"),
                    refurbisher=REFURBISHER,
                    erasure_certificate=f"EFF-P{index + 1}-{received_on:%Y%m%d}",
                    recorded_by=recorder,
                )
            )
    return lots


def seed_demo_funding(*, network: Organisation, clock: ManualClock) -> DemoFundingResult:
    """Write the demo's funding data for the spaces of ``network`` (the profile's)."""
    started = time.monotonic()
    # The clock is left where the caller set it (the demo's "now"): nothing here moves it.
    today = localdate()
    rng = random.Random(DEMO_RANDOM_SEED)  # noqa: S311 (demo data, not secrets)
    admin = (
        Membership.objects.filter(organisation=network, role=Role.NETWORK_ADMIN, is_active=True)
        .select_related("user", "organisation")
        .order_by("pk")
        .first()
    )
    sites = list(Site.objects.filter(network=network, is_active=True).order_by("short_code"))
    funders = {funder.funder_kind: funder for funder in Funder.objects.filter(network=network)}
    scale = Decimal(len(sites)) / FULL_SITE_COUNT

    TaxReceiptSettings.objects.create(
        network=network,
        issues_tax_receipts=True,
        legal_name=f"Association {network.name}",
        address="1 place de l'Étoile",
        postal_code="67000",
        city="Strasbourg",
        object="Lutter contre l'exclusion numérique des personnes en précarité",
        quality=OrganismeQuality.GENERAL_INTEREST,
        signatory_name="Hélène Marchal",
        signatory_title="Présidente",
    )
    operator = funders[FunderKind.OPERATOR]
    donors = Donor.objects.bulk_create(
        [
            Donor(
                network=network,
                kind=DonorKind.ORGANISATION,
                funder=operator,
                name=f"{operator.name} SA",
                address="10 rue de la Donation",
                postal_code="75015",
                city="Paris",
            ),
            *(
                Donor(
                    network=network,
                    kind=DonorKind.INDIVIDUAL,
                    name=name,
                    address=address,
                    postal_code=postal_code,
                    city=city,
                )
                for name, address, postal_code, city in PERSONS
            ),
        ]
    )
    operator_donor, persons = donors[0], donors[1:]

    years = sorted({today.year - 1, today.year})
    conventions = [
        Convention(
            funder=operator,
            reference=f"OP-{years[0]}-{years[-1]}",
            title="Dons en nature : équipements, cartes SIM, recharges et box",
            starts_on=datetime.date(years[0], 1, 1),
            ends_on=datetime.date(years[-1], 12, 31),
            notes="Convention de mécénat en nature couvrant tous les espaces du réseau.",
        )
    ]
    covered: list[list[Site]] = [sites]
    for kind, (code, title, city) in FUNDER_CONVENTIONS.items():
        funder = funders.get(kind)
        chosen = [site for site in sites if city is None or site.city == city]
        if funder is None or not chosen:
            continue
        # Two calendar years, like the operator's: the demo's history (a year back) and the
        # programme that started last year are covered, so a funder's figures reach the
        # « moins de 10 » threshold even in January (issue 16).
        conventions.append(
            Convention(
                funder=funder,
                reference=f"{code}-{years[0]}-{years[-1]}",
                title=title,
                starts_on=datetime.date(years[0], 1, 1),
                ends_on=datetime.date(years[-1], 12, 31),
            )
        )
        covered.append(chosen)
    for convention in conventions:
        convention.full_clean(validate_unique=False)
    conventions = Convention.objects.bulk_create(conventions)
    through = Convention.sites.through
    through.objects.bulk_create(
        [
            through(convention_id=convention.pk, site_id=site.pk)
            for convention, chosen in zip(conventions, covered, strict=True)
            for site in chosen
        ]
    )
    families = sorted(family.value for family, *_ in OPERATOR_FAMILIES)
    dotations = Dotation.objects.bulk_create(
        [
            Dotation(
                convention=conventions[0],
                year=year,
                families=families,
                budget_units=int(Decimal("25000") * scale) or 1,
                budget_amount=(OPERATOR_YEARLY_VALUE * scale).quantize(Decimal("0.01")),
                reporting_starts_on=datetime.date(year, 1, 1),
                reporting_ends_on=datetime.date(year, 12, 31),
            )
            for year in years
        ]
    )
    by_year = {dotation.year: dotation for dotation in dotations}

    recorder = admin.user
    lots = _operator_lots(
        operator_donor, by_year, sites, recorder, rng, today=today, scale=scale
    ) + _person_lots(list(persons), sites, recorder, today=today)
    for lot in lots:
        services.check_lot(lot, today=today)
        lot.full_clean(exclude=["donor", "dotation", "site", "recorded_by", "tax_receipt"])
    DonationLot.objects.bulk_create(lots)

    # One receipt, issued as an admin would: the first person's gifts of their latest year.
    person = persons[0]
    year = max(lot.received_on.year for lot in lots if lot.donor is person)
    tax_receipts.tax_receipt_issue(actor=admin, donor=person, year=year)
    return DemoFundingResult(
        donors=len(donors),
        conventions=len(conventions),
        dotations=len(dotations),
        lots=len(lots),
        receipts=1,
        seconds=time.monotonic() - started,
    )
