"""Access rights, quota rules and the ledger of quota consumptions (decisions 0046, 0047).

The counter sale of a later issue builds on these: it checks the person's right
(``AccessRight``), checks and consumes quotas in its own transaction (``sales.quotas``)
and points each consumption to its sale line by kind and id.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import OrganisationKind
from tisser.core import clock
from tisser.core.models import TimeStampedModel
from tisser.core.scoping import ScopedQuerySet
from tisser.core.validators import reject_nir
from tisser.sales.enums import (
    PaymentMethod,
    QuotaMeasure,
    QuotaPer,
    QuotaScope,
    QuotaWindow,
    RenewalDecision,
    ReturnedDeviceFate,
    ReturnOutcome,
    RightCloseReason,
    RightOpening,
    RightStatus,
    SaleLineKind,
    SaleStatus,
    SubscriptionStatus,
    VatRegime,
)

MAX_AMOUNT = Decimal("99999.99")
MAX_QUANTITY = 1000

# The defaults of a network that has not chosen (decision 0046).
DEFAULT_DURATION_MONTHS = 9
DEFAULT_RENEWAL_MONTHS = 9
DEFAULT_MAX_RENEWALS = 1
DEFAULT_REMINDER_DAYS = 15


def _user_fk(label, **kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        **kwargs,
    )


def _network_fk(related_name="+", **kwargs):
    return models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("réseau"),
        on_delete=models.PROTECT,
        related_name=related_name,
        limit_choices_to={"kind": OrganisationKind.NETWORK},
        **kwargs,
    )


def _site_fk():
    return models.ForeignKey(
        "accounts.Site", verbose_name=_("espace"), on_delete=models.PROTECT, related_name="+"
    )


def _file_fk(related_name):
    """The person's file (``beneficiaries.Beneficiary``)."""
    return models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def _household_fk():
    return models.ForeignKey(
        "beneficiaries.Household",
        verbose_name=_("foyer"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )


def _reason(label, **kwargs):
    return models.CharField(label, max_length=500, blank=True, validators=[reject_nir], **kwargs)


class AccessRightSettings(TimeStampedModel):
    """A network's rules for access rights: how long, how often renewed, when reminded."""

    scope_path = "network"

    network = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("réseau"),
        on_delete=models.PROTECT,
        related_name="access_right_settings",
        limit_choices_to={"kind": OrganisationKind.NETWORK},
    )
    duration_months = models.PositiveSmallIntegerField(
        _("durée d'un droit (mois)"),
        default=DEFAULT_DURATION_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    renewal_months = models.PositiveSmallIntegerField(
        _("durée d'un renouvellement (mois)"),
        default=DEFAULT_RENEWAL_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    max_renewals = models.PositiveSmallIntegerField(
        _("renouvellements possibles"),
        default=DEFAULT_MAX_RENEWALS,
        validators=[MaxValueValidator(5)],
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("SMS de rappel avant la fin (jours)"),
        default=DEFAULT_REMINDER_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("réglages des droits d'accès")
        verbose_name_plural = _("réglages des droits d'accès")

    def __str__(self):
        return str(self.network_id)


class AccessRightQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(is_current=True)

    def status_on(self, status: str, day: datetime.date):
        """The rights whose computed status on ``day`` is ``status`` (same rule as the model)."""
        not_closed = Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        if status == RightStatus.CLOSED:
            return self.filter(closed_on__lte=day)
        if status == RightStatus.FUTURE:
            return self.filter(not_closed, starts_on__gt=day)
        if status == RightStatus.EXPIRED:
            return self.filter(not_closed, ends_on__lt=day)
        in_dates = Q(starts_on__lte=day, ends_on__gte=day)
        if status == RightStatus.SUSPENDED:
            return self.filter(not_closed, in_dates, suspended_on__isnull=False)
        return self.filter(not_closed, in_dates, suspended_on__isnull=True)


class AccessRight(TimeStampedModel):
    """A person's right to buy solidarity offers in a network, from one date to another.

    Its status is computed (``status_on``): future, active, suspended, expired or closed. At
    most one *current* right per person and network (database constraint): opening a new one
    after the previous expired or closed makes the previous one history.
    """

    # Seen and managed by whoever sees the person's file (the file's site, the network).
    scope_path = "beneficiary__site"

    network = _network_fk()
    # The site that opened it (the person may buy in every site of the network).
    site = _site_fk()
    beneficiary = _file_fk("access_rights")
    opened_by = models.CharField(_("ouvert par"), max_length=16, choices=RightOpening.choices)
    # Referrals sit below sales but the hook gives the referral: its id is enough.
    opening_referral_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    decision_reason = _reason(_("motif de la décision"))
    opened_by_user = _user_fk(_("ouvert par"))
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    renewals_used = models.PositiveSmallIntegerField(_("renouvellements"), default=0)
    suspended_on = models.DateField(_("suspendu le"), null=True, blank=True)
    suspension_reason = _reason(_("motif de la suspension"))
    suspended_by = _user_fk(_("suspendu par"))
    closed_on = models.DateField(_("clos le"), null=True, blank=True)
    close_reason = models.CharField(
        _("motif de fin"), max_length=24, choices=RightCloseReason.choices, blank=True
    )
    close_note = _reason(_("précision"))
    closed_by = _user_fk(_("clos par"))
    is_current = models.BooleanField(default=True, editable=False)

    objects = AccessRightQuerySet.as_manager()

    class Meta:
        verbose_name = _("droit d'accès solidaire")
        verbose_name_plural = _("droits d'accès solidaires")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "network"],
                condition=Q(is_current=True),
                name="access_right_one_current_per_person",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="access_right_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(opened_by__in=RightOpening.values), name="access_right_opening_valid"
            ),
            models.CheckConstraint(
                condition=(Q(closed_on__isnull=True) & Q(close_reason=""))
                | (Q(closed_on__isnull=False) & Q(close_reason__in=RightCloseReason.values)),
                name="access_right_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(opened_by=RightOpening.DECISION) | ~Q(decision_reason=""),
                name="access_right_decision_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "ends_on"], name="access_right_site_end"),
            models.Index(fields=["ends_on"], name="access_right_end"),
        ]

    def __str__(self):
        return f"{self.beneficiary_id}: {self.starts_on} → {self.ends_on}"

    def get_absolute_url(self):
        return reverse("sales:right_detail", kwargs={"pk": self.pk})

    def status_on(self, day: datetime.date) -> str:
        if self.closed_on is not None and self.closed_on <= day:
            return RightStatus.CLOSED
        if day < self.starts_on:
            return RightStatus.FUTURE
        if day > self.ends_on:
            return RightStatus.EXPIRED
        if self.suspended_on is not None:
            return RightStatus.SUSPENDED
        return RightStatus.ACTIVE

    def status_label_on(self, day: datetime.date) -> str:
        return str(RightStatus(self.status_on(day)).label)

    def exit_reason(self) -> str:
        """Why the right ended, in words ("" while it runs)."""
        if self.closed_on is not None:
            return str(RightCloseReason(self.close_reason).label)
        return ""

    @classmethod
    def merge_beneficiary(cls, *, kept, duplicate, field) -> int:
        """Two files merged (beneficiaries.beneficiary_merge): the rights follow the kept
        file. Both may have a current right: the one that runs longer stays current, the
        other becomes history (closed as a duplicate if it was still running)."""
        rights = cls.objects.select_for_update()
        kept_current = {r.network_id: r for r in rights.current().filter(beneficiary=kept)}
        today = clock.localdate()
        for right in rights.current().filter(beneficiary=duplicate):
            other = kept_current.get(right.network_id)
            if other is None:
                continue
            alive = [
                r
                for r in (other, right)
                if r.status_on(today) not in (RightStatus.CLOSED, RightStatus.EXPIRED)
            ]
            keep = max(alive or [other, right], key=lambda r: (r.ends_on, r.pk))
            drop = right if keep is other else other
            changes: dict[str, Any] = {"is_current": False}
            if drop.closed_on is None and drop.ends_on >= today:
                changes.update(
                    closed_on=max(today, drop.starts_on), close_reason=RightCloseReason.MERGED
                )
            cls.objects.filter(pk=drop.pk).update(**changes)
        return cls.objects.filter(beneficiary=duplicate).update(beneficiary=kept)


class AccessRightRenewal(TimeStampedModel):
    """A request by the team to extend a right, and the site manager's decision on it."""

    scope_path = "access_right__beneficiary__site"

    access_right = models.ForeignKey(
        AccessRight,
        verbose_name=_("droit d'accès"),
        on_delete=models.PROTECT,
        related_name="renewals",
    )
    requested_at = models.DateTimeField(_("demandé le"))
    requested_by = _user_fk(_("demandé par"))
    request_note = _reason(_("pourquoi renouveler"))
    decision = models.CharField(
        _("décision"),
        max_length=12,
        choices=RenewalDecision.choices,
        default=RenewalDecision.PENDING,
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    decided_by = _user_fk(_("décidé par"))
    decision_note = _reason(_("motif de la décision"))
    new_ends_on = models.DateField(_("nouvelle fin"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de renouvellement")
        verbose_name_plural = _("demandes de renouvellement")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["access_right"],
                condition=Q(decision="pending"),
                name="renewal_one_pending_per_right",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=RenewalDecision.values), name="renewal_decision_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decided_at__isnull=False),
                name="renewal_decided_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.access_right_id}: {self.decision}"


class QuotaRuleQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class QuotaRule(TimeStampedModel):
    """How much of what a person (or a household) may buy within a window of time.

    Scope: one offer, one family, or several families together (an amount across them).
    Measure: a number of units or an amount of face value (never the price paid).
    """

    scope_path = "network"

    network = _network_fk()
    name = models.CharField(
        _("libellé montré à l'équipe"),
        max_length=120,
        validators=[reject_nir],
        help_text=_("Par exemple : « Un ordinateur portable par foyer tous les 3 ans »."),
    )
    scope = models.CharField(_("porte sur"), max_length=12, choices=QuotaScope.choices)
    offer = models.ForeignKey(
        "offers.Offer",
        verbose_name=_("offre"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    families = models.JSONField(_("familles d'offres"), default=list, blank=True)
    per = models.CharField(_("compté"), max_length=12, choices=QuotaPer.choices)
    window = models.CharField(_("période"), max_length=16, choices=QuotaWindow.choices)
    window_length = models.PositiveSmallIntegerField(
        _("nombre de jours ou d'années"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3660)],
    )
    measure = models.CharField(_("limite"), max_length=12, choices=QuotaMeasure.choices)
    max_quantity = models.PositiveIntegerField(
        _("quantité maximale"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)],
    )
    max_amount = models.DecimalField(
        _("montant maximal (€, valeur faciale)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
    )
    return_gives_back = models.BooleanField(
        _("un retour rend le quota"),
        default=True,
        help_text=_("Décochez pour qu'un achat rendu compte quand même (par exemple un code)."),
    )
    is_active = models.BooleanField(_("appliquée"), default=True)

    objects = QuotaRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("règle de quota")
        verbose_name_plural = _("règles de quota")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=QuotaScope.values), name="quota_scope"),
            models.CheckConstraint(condition=Q(per__in=QuotaPer.values), name="quota_per"),
            models.CheckConstraint(condition=Q(window__in=QuotaWindow.values), name="quota_window"),
            models.CheckConstraint(
                condition=Q(measure__in=QuotaMeasure.values), name="quota_measure"
            ),
            models.CheckConstraint(
                condition=(Q(scope=QuotaScope.OFFER) & Q(offer__isnull=False))
                | (~Q(scope=QuotaScope.OFFER) & Q(offer__isnull=True)),
                name="quota_offer_iff_offer_scope",
            ),
            models.CheckConstraint(
                condition=(Q(measure=QuotaMeasure.QUANTITY) & Q(max_quantity__isnull=False))
                | (Q(measure=QuotaMeasure.AMOUNT) & Q(max_amount__isnull=False)),
                name="quota_has_its_maximum",
            ),
            models.CheckConstraint(
                condition=~Q(window__in=[QuotaWindow.ROLLING_DAYS, QuotaWindow.YEARS])
                | Q(window_length__isnull=False),
                name="quota_window_has_length",
            ),
        ]

    def __str__(self):
        return self.name

    def covers(self, *, offer_id: int, family: str) -> bool:
        if self.scope == QuotaScope.OFFER:
            return offer_id == self.offer_id
        return family in self.families

    @property
    def maximum(self):
        return self.max_quantity if self.measure == QuotaMeasure.QUANTITY else self.max_amount


class QuotaConsumptionQuerySet(ScopedQuerySet):
    def counted(self):
        return self.filter(given_back_at__isnull=True)


class QuotaConsumption(models.Model):
    """One line of the quota ledger: what a person took, when, for how much face value.

    Written only by ``sales.quotas.quota_consume`` under the person's (and household's)
    row locks. ``reference_kind`` + ``reference_id`` point to the sale line of the counter
    (a later model: no foreign key). A return marks it given back; an override keeps its
    reason and the manager who allowed it.
    """

    scope_path = "site"

    network = _network_fk()
    site = _site_fk()
    beneficiary = _file_fk("quota_consumptions")
    # The household the person belonged to at the time (household rules count it).
    household = _household_fk()
    offer = models.ForeignKey(
        "offers.Offer", verbose_name=_("offre"), on_delete=models.PROTECT, related_name="+"
    )
    family = models.CharField(_("famille"), max_length=24)
    quantity = models.PositiveIntegerField(
        _("quantité"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    amount = models.DecimalField(
        _("valeur faciale (€)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    at = models.DateTimeField(_("le"))
    reference_kind = models.CharField(max_length=40, blank=True)
    reference_id = models.PositiveBigIntegerField(null=True, blank=True)
    given_back_at = models.DateTimeField(_("rendu le"), null=True, blank=True)
    given_back_by = _user_fk(_("rendu par"))
    overridden = models.BooleanField(_("dérogation"), default=False)
    override_reason = _reason(_("motif de la dérogation"))
    override_by = _user_fk(_("dérogation accordée par"))
    recorded_by = _user_fk(_("enregistré par"))

    objects = QuotaConsumptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("consommation de quota")
        verbose_name_plural = _("consommations de quota")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference_kind", "reference_id"],
                condition=Q(reference_id__isnull=False),
                name="quota_consumption_one_per_reference",
            ),
            models.CheckConstraint(
                condition=Q(overridden=False) | ~Q(override_reason=""),
                name="quota_override_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["beneficiary", "at"], name="quota_person_at"),
            models.Index(fields=["household", "at"], name="quota_household_at"),
        ]

    def __str__(self):
        return f"{self.beneficiary_id}: {self.quantity} × {self.offer_id}"


# --- The counter sale (issue 11, decision 0049) ----------------------------------------
#
# A ``Sale`` is built as a cart, confirmed (each line's stock reserved through
# ``offers.reservations`` and the quotas taken through ``sales.quotas.quota_consume``, in one
# transaction), then paid: payments recorded, ``offers.reservations.stock_sell`` called for
# each line, the receipt numbered per site and year without gaps. A paid sale and its lines
# and payments never change again (services refuse, ``save`` guards); corrections are
# returns. Money is Decimal euros, 2 places.
# (``save`` is not guarded: every write goes through ``sales.counter`` / ``sales.returns``.)


def _money(label, **kwargs):
    return models.DecimalField(
        label,
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )


class CounterSettings(TimeStampedModel):
    """A network's counter: the legal identity and VAT mention on receipts, how long a
    confirmed cart holds the stock, and the returns policy."""

    scope_path = "network"

    network = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("réseau"),
        on_delete=models.PROTECT,
        related_name="counter_settings",
        limit_choices_to={"kind": OrganisationKind.NETWORK},
    )
    legal_name = models.CharField(_("nom de l'organisme vendeur"), max_length=200, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    address = models.CharField(_("adresse du siège"), max_length=255, blank=True)
    vat_regime = models.CharField(
        _("TVA"), max_length=20, choices=VatRegime.choices, default=VatRegime.FRANCHISE
    )
    receipt_footer = models.CharField(
        _("mention en bas du ticket"), max_length=300, blank=True, validators=[reject_nir]
    )
    hold_minutes = models.PositiveSmallIntegerField(
        _("durée de réservation d'un panier confirmé (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    return_days = models.PositiveSmallIntegerField(
        _("délai de retour sans panne (jours)"),
        default=14,
        validators=[MaxValueValidator(90)],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("réglages du comptoir")
        verbose_name_plural = _("réglages du comptoir")

    def __str__(self):
        return str(self.network_id)

    @classmethod
    def of_network(cls, network_id: int) -> CounterSettings:
        """The network's settings, or the defaults (not saved) until its admin saves them."""
        return cls.objects.filter(network_id=network_id).first() or cls(network_id=network_id)


class SaleQuerySet(ScopedQuerySet):
    def paid(self):
        return self.filter(status=SaleStatus.PAID)

    def open(self):
        return self.filter(status__in=[SaleStatus.CART, SaleStatus.CONFIRMED])


class Sale(TimeStampedModel):
    """One visit to the counter: a person buys one or more solidarity offers at a site."""

    scope_path = "site"

    network = _network_fk()
    site = _site_fk()
    beneficiary = _file_fk("sales")
    # The household at confirmation (the quota ledger keeps its own copy per line).
    household = _household_fk()
    access_right = models.ForeignKey(
        AccessRight,
        verbose_name=_("droit d'accès"),
        on_delete=models.PROTECT,
        related_name="sales",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("état"), max_length=12, choices=SaleStatus.choices, default=SaleStatus.CART
    )
    created_by = _user_fk(_("commencée par"))
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    confirmed_by = _user_fk(_("confirmée par"))
    reserved_until = models.DateTimeField(_("stock réservé jusqu'au"), null=True, blank=True)
    paid_at = models.DateTimeField(_("payée le"), null=True, blank=True)
    paid_by = _user_fk(_("encaissée par"))
    ended_at = models.DateTimeField(_("annulée ou expirée le"), null=True, blank=True)
    ended_by = _user_fk(_("annulée par"))
    cancel_reason = _reason(_("motif d'annulation"))
    # Totals frozen at confirmation: what the person pays, what it is worth on the market,
    # and the face value of codes (the savings are market − paid).
    total_price = _money(_("total à payer (€)"), default=Decimal("0"))
    total_market = _money(_("valeur marché (€)"), default=Decimal("0"))
    # The receipt: ``<site code>-<year>-<sequence>``, sequence per site and year without gaps,
    # given at payment under the site's sequence row lock.
    receipt_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    receipt_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    receipt_number = models.CharField(_("numéro de ticket"), max_length=24, blank=True)
    vat_mention = models.CharField(_("mention TVA"), max_length=200, blank=True)
    # The seller printed on the receipt, frozen at payment like the VAT mention:
    # {"legal_name", "siret", "address"} (a reprint stays the receipt that was given).
    seller = models.JSONField(_("vendeur"), default=dict, blank=True)
    note = _reason(_("note"))

    objects = SaleQuerySet.as_manager()

    class Meta:
        verbose_name = _("vente solidaire")
        verbose_name_plural = _("ventes solidaires")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SaleStatus.values), name="sale_status_valid"
            ),
            models.UniqueConstraint(
                fields=["site", "receipt_year", "receipt_sequence"],
                condition=Q(receipt_sequence__isnull=False),
                name="sale_receipt_unique_per_site_year",
            ),
            models.CheckConstraint(
                condition=~Q(status=SaleStatus.PAID)
                | (Q(paid_at__isnull=False) & Q(receipt_sequence__isnull=False)),
                name="sale_paid_has_receipt",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "paid_at"], name="sale_site_paid"),
            models.Index(fields=["beneficiary", "created_at"], name="sale_person_created"),
            models.Index(fields=["status", "reserved_until"], name="sale_status_hold"),
        ]

    def __str__(self):
        return self.receipt_number or f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("sales:sale_detail", kwargs={"pk": self.pk})

    @property
    def is_paid(self) -> bool:
        return self.status == SaleStatus.PAID

    @property
    def savings(self) -> Decimal:
        return max(self.total_market - self.total_price, Decimal("0"))


class SaleLine(models.Model):
    """One line of a sale: one device, N codes, N units of an offer, or a month of a
    subscription. Prices are copied from the catalogue at confirmation."""

    scope_path = "sale__site"

    sale = models.ForeignKey(
        Sale, verbose_name=_("vente"), on_delete=models.PROTECT, related_name="lines"
    )
    kind = models.CharField(
        _("type de ligne"), max_length=20, choices=SaleLineKind.choices, default=SaleLineKind.ITEM
    )
    offer = models.ForeignKey(
        "offers.Offer", verbose_name=_("offre"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(
        _("quantité"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)],
    )
    # The device chosen at the cart (a device line), or none (codes, quantity offers).
    device = models.ForeignKey(
        "offers.Device",
        verbose_name=_("appareil"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # The stock held for this line from confirmation to payment (then sold).
    reservation = models.OneToOneField(
        "offers.Reservation",
        verbose_name=_("réservation"),
        on_delete=models.PROTECT,
        related_name="sale_line",
        null=True,
        blank=True,
    )
    # A subscription fee line: the subscription it pays and the month it covers.
    subscription = models.ForeignKey(
        "sales.BoxSubscription",
        verbose_name=_("abonnement"),
        on_delete=models.PROTECT,
        related_name="fee_lines",
        null=True,
        blank=True,
    )
    covers_month = models.DateField(_("mois payé"), null=True, blank=True)
    label = models.CharField(_("libellé"), max_length=200)
    unit_price = _money(_("prix solidaire unitaire (€)"))
    unit_market_price = _money(_("valeur marché unitaire (€)"))
    unit_face_value = _money(_("valeur faciale unitaire (€)"), null=True, blank=True)
    warranty_until = models.DateField(_("garantie jusqu'au"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ligne de vente")
        verbose_name_plural = _("lignes de vente")
        ordering = ["sale", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SaleLineKind.values), name="sale_line_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=SaleLineKind.SUBSCRIPTION_FEE)
                | (Q(subscription__isnull=False) & Q(covers_month__isnull=False)),
                name="sale_line_fee_has_month",
            ),
            models.UniqueConstraint(
                fields=["subscription", "covers_month"],
                condition=Q(subscription__isnull=False),
                name="sale_line_one_fee_per_month",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def market_total(self) -> Decimal:
        return self.unit_market_price * self.quantity


class Payment(models.Model):
    """One way the person (or a third party) paid part of a sale; several make a mixed
    payment. Their sum is the sale's total when it is paid."""

    scope_path = "sale__site"

    sale = models.ForeignKey(
        Sale, verbose_name=_("vente"), on_delete=models.PROTECT, related_name="payments"
    )
    method = models.CharField(_("moyen de paiement"), max_length=16, choices=PaymentMethod.choices)
    amount = _money(_("montant (€)"))
    # Third party: the partner organisation that pays (a CCAS...), invoiced afterwards.
    payer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("tiers payeur"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # Cheque number, card authorisation, third party's order number.
    reference = models.CharField(_("référence"), max_length=60, blank=True, validators=[reject_nir])
    # Pass numérique: the numbers of the vouchers handed over (each used once per network).
    pass_numbers = models.JSONField(
        _("numéros des chèques Pass numérique"), default=list, blank=True
    )
    # Credit from a return (an exchange): the return it comes from.
    credit_from = models.ForeignKey(
        "sales.SaleReturn",
        verbose_name=_("avoir du retour"),
        on_delete=models.PROTECT,
        related_name="credit_payments",
        null=True,
        blank=True,
    )
    at = models.DateTimeField(_("le"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["sale", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=PaymentMethod.values), name="payment_method_valid"
            ),
            models.CheckConstraint(
                condition=~Q(method=PaymentMethod.THIRD_PARTY) | Q(payer__isnull=False),
                name="payment_third_party_has_payer",
            ),
            models.CheckConstraint(
                condition=~Q(method=PaymentMethod.CREDIT) | Q(credit_from__isnull=False),
                name="payment_credit_has_return",
            ),
        ]
        indexes = [models.Index(fields=["method", "at"], name="payment_method_at")]

    def __str__(self):
        return f"{self.method} {self.amount}"


class PassNumeriqueUse(models.Model):
    """One Pass numérique voucher number, used once per network (unique constraint): the
    counter refuses a number already handed over."""

    network = _network_fk()
    number = models.CharField(max_length=40)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="pass_uses")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "number"], name="pass_numerique_used_once")
        ]

    def __str__(self):
        return self.number


class ReceiptSequence(models.Model):
    """The last receipt number of a site in a year, locked while a sale is paid."""

    site = models.ForeignKey("accounts.Site", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "year"], name="receipt_sequence_site_year")
        ]

    def __str__(self):
        return f"{self.site_id}/{self.year}: {self.last_number}"


class SaleReturn(TimeStampedModel):
    """A person brings back what a paid sale gave them (within the warranty or the return
    delay): refunded or exchanged; the device goes back to process or is written off; the
    quota is given back where the rule says so."""

    scope_path = "site"

    site = models.ForeignKey(
        "accounts.Site",
        verbose_name=_("espace qui reprend"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    line = models.ForeignKey(
        SaleLine, verbose_name=_("ligne rendue"), on_delete=models.PROTECT, related_name="returns"
    )
    quantity = models.PositiveIntegerField(
        _("quantité rendue"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)],
    )
    outcome = models.CharField(_("solution"), max_length=12, choices=ReturnOutcome.choices)
    device_fate = models.CharField(
        _("devenir de l'appareil"), max_length=16, choices=ReturnedDeviceFate.choices, blank=True
    )
    reason = _reason(_("motif du retour"))
    refund_amount = _money(_("remboursé (€)"), default=Decimal("0"))
    refund_method = models.CharField(
        _("remboursé en"), max_length=16, choices=PaymentMethod.choices, blank=True
    )
    credit_amount = _money(_("avoir pour l'échange (€)"), default=Decimal("0"))
    quota_given_back = models.BooleanField(_("quota rendu"), default=False)
    at = models.DateTimeField(_("le"))
    recorded_by = _user_fk(_("enregistré par"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("retour")
        verbose_name_plural = _("retours")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=ReturnOutcome.values), name="sale_return_outcome_valid"
            ),
        ]
        indexes = [models.Index(fields=["site", "at"], name="sale_return_site_at")]

    def __str__(self):
        return f"{self.line_id}: {self.outcome}"


class BoxSubscription(TimeStampedModel):
    """An internet box (or 4G key) lent with a monthly fee: opened by its sale, with due
    dates each month, ended, then closed when the box comes back."""

    scope_path = "site"

    site = _site_fk()
    beneficiary = _file_fk("box_subscriptions")
    opening_line = models.OneToOneField(
        SaleLine,
        verbose_name=_("vente d'ouverture"),
        on_delete=models.PROTECT,
        related_name="opened_subscription",
    )
    device = models.ForeignKey(
        "offers.Device", verbose_name=_("box"), on_delete=models.PROTECT, related_name="+"
    )
    monthly_fee = _money(_("mensualité (€)"))
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin prévue"))
    status = models.CharField(
        _("état"),
        max_length=12,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.ACTIVE,
    )
    ended_on = models.DateField(_("terminé le"), null=True, blank=True)
    device_returned_on = models.DateField(_("box rendue le"), null=True, blank=True)
    return_note = _reason(_("état de la box au retour"))
    returned_to = _user_fk(_("rendue à"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonnement box")
        verbose_name_plural = _("abonnements box")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SubscriptionStatus.values), name="subscription_status"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="subscription_dates"
            ),
        ]

    def __str__(self):
        return f"{self.beneficiary_id}: {self.device_id}"


class CashClosing(TimeStampedModel):
    """A site's counter at the end of one day: the float, what the sales say each method
    should hold, what was counted, what went to the bank, and the difference explained."""

    scope_path = "site"

    site = _site_fk()
    day = models.DateField(_("journée"))
    opening_float = _money(_("fond de caisse au début (€)"))
    # {method: "12.50"}: expected from the day's payments and refunds, frozen at closing.
    expected = models.JSONField(_("attendu par moyen de paiement"), default=dict)
    counted = models.JSONField(_("compté par moyen de paiement"), default=dict)
    bank_deposit = _money(_("dépôt en banque (€)"), default=Decimal("0"))
    closing_float = _money(_("fond de caisse laissé (€)"), default=Decimal("0"))
    discrepancy = models.DecimalField(_("écart (€)"), max_digits=9, decimal_places=2, default=0)
    comment = _reason(_("commentaire sur l'écart"))
    closed_at = models.DateTimeField(_("clôturée le"))
    closed_by = _user_fk(_("clôturée par"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("clôture de caisse")
        verbose_name_plural = _("clôtures de caisse")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["site", "day"], name="cash_closing_one_per_day"),
            models.CheckConstraint(
                condition=Q(discrepancy=0) | ~Q(comment=""),
                name="cash_closing_discrepancy_explained",
            ),
        ]

    def __str__(self):
        return f"{self.site_id} {self.day}"
