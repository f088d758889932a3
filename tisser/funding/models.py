"""Donors, conventions, dotations, in-kind donation lots and the tax receipts for them.

Written only by ``funding.services``; read through ``funding.selectors``. A convention is
what ties a funder to sites (and later to training programmes): it is the one thing that
gives a funder's members access to figures (docs/decisions/0036-funding.md).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import OrganisationKind
from tisser.core.models import TimeStampedModel
from tisser.core.scoping import ScopedQuerySet
from tisser.core.validators import reject_nir
from tisser.funding.enums import (
    DonorKind,
    LotUnit,
    OfferFamily,
    OrganismeQuality,
    TaxReceiptStatus,
    ValuationMethod,
)

MAX_AMOUNT = Decimal("99999999.99")
MAX_LOT_QUANTITY = 1_000_000


def _network_fk(related_name="+"):
    return models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("réseau"),
        on_delete=models.PROTECT,
        related_name=related_name,
        limit_choices_to={"kind": OrganisationKind.NETWORK},
    )


class Donor(TimeStampedModel):
    """Who gives in kind: a funder organisation flagged as donor, or a private person.

    The name and address are those printed on a tax receipt; for an organisation they are
    its legal ones (the funder's display name may differ).
    """

    scope_path = "network"

    network = _network_fk()
    kind = models.CharField(_("type de donateur"), max_length=16, choices=DonorKind.choices)
    funder = models.OneToOneField(
        "accounts.Funder",
        verbose_name=_("financeur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donor",
    )
    name = models.CharField(_("nom ou raison sociale"), max_length=200, validators=[reject_nir])
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True, validators=[reject_nir])
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("commune"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("donateur")
        verbose_name_plural = _("donateurs")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=DonorKind.ORGANISATION) & Q(funder__isnull=False))
                | (Q(kind=DonorKind.INDIVIDUAL) & Q(funder__isnull=True)),
                name="donor_kind_matches_funder",
            ),
        ]

    def __str__(self):
        return self.name


class Convention(TimeStampedModel):
    """A funding or donation agreement between the network and a funder, for some sites."""

    scope_path = "funder"

    funder = models.ForeignKey(
        "accounts.Funder",
        verbose_name=_("financeur ou donateur"),
        on_delete=models.PROTECT,
        related_name="conventions",
    )
    reference = models.CharField(_("référence"), max_length=50)
    title = models.CharField(_("intitulé"), max_length=200)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    sites = models.ManyToManyField(
        "accounts.Site", verbose_name=_("espaces couverts"), related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000, validators=[reject_nir])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["-starts_on", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["funder", "reference"], name="convention_reference_unique_per_funder"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="convention_period_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"


class Dotation(TimeStampedModel):
    """A donor's allocation for one year under a convention: families, units, euros.

    Not a training programme (those come with the training app).
    """

    scope_path = "convention__funder"

    convention = models.ForeignKey(
        Convention, verbose_name=_("convention"), on_delete=models.PROTECT, related_name="dotations"
    )
    year = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    families = models.JSONField(_("familles d'offres"), default=list)
    budget_units = models.PositiveIntegerField(
        _("budget en unités"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_LOT_QUANTITY * 10)],
    )
    budget_amount = models.DecimalField(
        _("budget en euros"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)],
    )
    reporting_starts_on = models.DateField(_("période de compte rendu : début"))
    reporting_ends_on = models.DateField(_("période de compte rendu : fin"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dotation")
        verbose_name_plural = _("dotations")
        ordering = ["-year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reporting_ends_on__gte=models.F("reporting_starts_on")),
                name="dotation_reporting_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(budget_units__isnull=False) | Q(budget_amount__isnull=False),
                name="dotation_has_a_budget",
            ),
        ]

    def __str__(self):
        return f"{self.convention.reference} · {self.year}"

    @property
    def family_labels(self) -> list[str]:
        labels = dict(OfferFamily.choices)
        return [str(labels.get(code, code)) for code in self.families]


class DonationLot(TimeStampedModel):
    """One in-kind gift as received at a site (usually the refurbishment hub).

    The devices and vouchers taken into stock from it point back to it (offers app), so the
    value received and the value used can be told apart in the figures.
    """

    scope_path = "site"

    donor = models.ForeignKey(
        Donor, verbose_name=_("donateur"), on_delete=models.PROTECT, related_name="lots"
    )
    dotation = models.ForeignKey(
        Dotation,
        verbose_name=_("dotation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lots",
    )
    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("reçu à"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("reçu le"))
    family = models.CharField(_("famille"), max_length=24, choices=OfferFamily.choices)
    quantity = models.PositiveIntegerField(
        _("quantité"), validators=[MinValueValidator(1), MaxValueValidator(MAX_LOT_QUANTITY)]
    )
    unit = models.CharField(_("unité"), max_length=12, choices=LotUnit.choices)
    valuation_method = models.CharField(
        _("méthode de valorisation"), max_length=24, choices=ValuationMethod.choices
    )
    valuation_amount = models.DecimalField(
        _("valeur totale (€)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)],
    )
    refurbisher = models.CharField(_("reconditionneur"), max_length=200, blank=True)
    erasure_certificate = models.CharField(
        _("référence du certificat d'effacement des données"), max_length=100, blank=True
    )
    reference = models.CharField(_("référence du bon de livraison"), max_length=100, blank=True)
    tax_receipt = models.ForeignKey(
        "funding.TaxReceipt",
        verbose_name=_("reçu fiscal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lots",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistré par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000, validators=[reject_nir])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("lot de dons")
        verbose_name_plural = _("lots de dons")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["donor", "received_on"], name="lot_donor_received")]

    def __str__(self):
        return f"{self.get_family_display()} × {self.quantity} ({self.received_on:%d/%m/%Y})"


class TaxReceiptSettings(TimeStampedModel):
    """Whether and how a network issues tax receipts (reçus fiscaux) for in-kind gifts."""

    scope_path = "network"

    network = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("réseau"),
        on_delete=models.PROTECT,
        related_name="tax_receipt_settings",
        limit_choices_to={"kind": OrganisationKind.NETWORK},
    )
    issues_tax_receipts = models.BooleanField(_("le réseau émet des reçus fiscaux"), default=False)
    legal_name = models.CharField(_("nom de l'organisme"), max_length=200, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("commune"), max_length=120, blank=True)
    object = models.CharField(_("objet"), max_length=300, blank=True)
    quality = models.CharField(
        _("qualité de l'organisme"),
        max_length=24,
        choices=OrganismeQuality.choices,
        default=OrganismeQuality.GENERAL_INTEREST,
    )
    signatory_name = models.CharField(_("nom du signataire"), max_length=150, blank=True)
    signatory_title = models.CharField(_("qualité du signataire"), max_length=150, blank=True)
    ifi_eligible = models.BooleanField(
        _("les dons des particuliers ouvrent droit à la réduction d'IFI (article 978 du CGI)"),
        default=False,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("réglages des reçus fiscaux")
        verbose_name_plural = _("réglages des reçus fiscaux")

    def __str__(self):
        return self.legal_name or str(self.network)


class TaxReceipt(TimeStampedModel):
    """A numbered tax receipt for a donor's lots of one year; never deleted, only cancelled.

    The donor's identity and the gifts' description are copied at issue, so reprinting it
    years later gives the same document.
    """

    scope_path = "network"

    network = _network_fk()
    donor = models.ForeignKey(
        Donor, verbose_name=_("donateur"), on_delete=models.PROTECT, related_name="tax_receipts"
    )
    year = models.PositiveSmallIntegerField(
        _("année des dons"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    sequence = models.PositiveIntegerField(_("numéro d'ordre"))
    number = models.CharField(_("numéro"), max_length=20)
    issued_on = models.DateField(_("émis le"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("émis par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField(
        _("montant (€)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)],
    )
    donor_name = models.CharField(_("nom du donateur"), max_length=200)
    donor_address = models.CharField(_("adresse du donateur"), max_length=400)
    gifts_description = models.TextField(_("description des dons"), max_length=4000)
    status = models.CharField(
        _("état"),
        max_length=12,
        choices=TaxReceiptStatus.choices,
        default=TaxReceiptStatus.ISSUED,
    )
    cancelled_reason = models.CharField(_("motif d'annulation"), max_length=300, blank=True)
    cancelled_on = models.DateField(_("annulé le"), null=True, blank=True)
    # Frozen at issue with the donor and the gifts, so that a reprint is the same document.
    donor_kind = models.CharField(
        _("type de donateur"), max_length=16, choices=DonorKind.choices, blank=True
    )
    donor_siren = models.CharField(_("SIREN du donateur"), max_length=9, blank=True)
    gifts_period = models.CharField(_("date ou période des dons"), max_length=100, blank=True)
    valuation_methods = models.CharField(_("méthodes de valorisation"), max_length=400, blank=True)
    articles = models.CharField(_("articles du CGI"), max_length=40, blank=True)
    organisme_name = models.CharField(_("nom de l'organisme"), max_length=200, blank=True)
    organisme_ids = models.CharField(_("SIREN et RNA de l'organisme"), max_length=60, blank=True)
    organisme_address = models.CharField(_("adresse de l'organisme"), max_length=400, blank=True)
    organisme_object = models.CharField(_("objet de l'organisme"), max_length=300, blank=True)
    organisme_quality = models.CharField(
        _("qualité de l'organisme"), max_length=24, choices=OrganismeQuality.choices, blank=True
    )
    issued_at_place = models.CharField(_("fait à"), max_length=120, blank=True)
    signatory = models.CharField(_("signataire"), max_length=310, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reçu fiscal")
        verbose_name_plural = _("reçus fiscaux")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "year", "sequence"], name="tax_receipt_number_unique"
            ),
        ]

    def __str__(self):
        return self.number
