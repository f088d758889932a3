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
    QuotaMeasure,
    QuotaPer,
    QuotaScope,
    QuotaWindow,
    RenewalDecision,
    RightCloseReason,
    RightOpening,
    RightStatus,
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
    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("espace"), on_delete=models.PROTECT, related_name="+"
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="access_rights",
    )
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
    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("espace"), on_delete=models.PROTECT, related_name="+"
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="quota_consumptions",
    )
    # The household the person belonged to at the time (household rules count it).
    household = models.ForeignKey(
        "beneficiaries.Household",
        verbose_name=_("foyer"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
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
