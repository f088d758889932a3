"""A person's skills diagnostics (entry and exit) and their level per domain.

The answers themselves are the exercise engine's ``Answer`` rows, in the sitting
``context_kind="diagnostic"``, ``context_id=str(diagnostic.pk)``: the diagnostic adds what a
sitting means (which form, which domains, how it ended), not a second copy of the answers.
See docs/decisions/0052-skills-diagnostic.md.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisser.core.clock import ClockDateTimeField
from tisser.core.scoping import ScopedQuerySet
from tisser.diagnostics.enums import (
    AUTONOMY_LEVEL,
    LEVEL_MAX,
    DiagnosticKind,
    DiagnosticMode,
    DiagnosticStatus,
)


class DiagnosticQuerySet(ScopedQuerySet):
    def finished(self):
        return self.filter(status=DiagnosticStatus.FINISHED)

    def in_progress(self):
        return self.filter(status=DiagnosticStatus.IN_PROGRESS)


class Diagnostic(models.Model):
    """One sitting of the skills check: its kind, form, mode, domains and how it ended."""

    scope_path = "beneficiary__site"
    learner_path = "beneficiary"

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="diagnostics",
    )
    # Where it was taken (the space that welcomed the person), for the figures per site.
    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("espace"), on_delete=models.PROTECT, related_name="+"
    )
    # The entry diagnostic opens or joins the accompaniment period; the exit one attaches to it.
    period = models.ForeignKey(
        "beneficiaries.AccompanimentPeriod",
        verbose_name=_("période d'accompagnement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="diagnostics",
    )
    kind = models.CharField(_("type"), max_length=8, choices=DiagnosticKind.choices)
    mode = models.CharField(_("passation"), max_length=8, choices=DiagnosticMode.choices)
    status = models.CharField(
        _("état"),
        max_length=12,
        choices=DiagnosticStatus.choices,
        default=DiagnosticStatus.IN_PROGRESS,
    )
    # The domain codes of the framework this sitting covers, frozen at the start (the
    # job-search domain only for jobseekers).
    domains = models.JSONField(_("domaines"), default=list)
    # The context questions asked with the mediator: {question code: answer code}.
    context = models.JSONField(_("questions de contexte"), default=dict, blank=True)
    # Hash of the form's definition when the sitting started: results compare within a version.
    form_version = models.CharField(_("version du questionnaire"), max_length=64, blank=True)
    # The mediator who started it (assisted or paper); empty when the learner started alone.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = ClockDateTimeField(_("commencé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    item_count = models.PositiveSmallIntegerField(_("questions posées"), default=0)

    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnostic")
        verbose_name_plural = _("diagnostics")
        ordering = ["-started_at", "-pk"]
        constraints = [
            # Resuming is unambiguous: at most one sitting of each kind in progress per person.
            models.UniqueConstraint(
                fields=["beneficiary", "kind"],
                condition=Q(status=DiagnosticStatus.IN_PROGRESS),
                name="diagnostic_one_in_progress_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DiagnosticKind.values), name="diagnostic_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=DiagnosticMode.values), name="diagnostic_mode_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DiagnosticStatus.values), name="diagnostic_status_valid"
            ),
            # Finished <=> an end time.
            models.CheckConstraint(
                condition=(Q(status=DiagnosticStatus.FINISHED) & Q(finished_at__isnull=False))
                | (~Q(status=DiagnosticStatus.FINISHED) & Q(finished_at__isnull=True)),
                name="diagnostic_finished_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "finished_at"], name="diagnostic_site_finished"),
            models.Index(fields=["beneficiary", "kind", "status"], name="diagnostic_person_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary_id}: {self.kind} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status == DiagnosticStatus.FINISHED


class DiagnosticResult(models.Model):
    """The level reached in one domain by a finished diagnostic (one row per domain).

    Kept as rows rather than a JSON map so that the figures (levels per domain, gains,
    autonomy at exit) are plain SQL aggregates.
    """

    scope_path = "diagnostic__beneficiary__site"

    diagnostic = models.ForeignKey(
        Diagnostic, verbose_name=_("diagnostic"), on_delete=models.CASCADE, related_name="results"
    )
    domain = models.CharField(_("domaine"), max_length=24)
    level = models.PositiveSmallIntegerField(
        _("niveau"), validators=[MinValueValidator(0), MaxValueValidator(LEVEL_MAX)]
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("résultat par domaine")
        verbose_name_plural = _("résultats par domaine")
        ordering = ["diagnostic", "domain"]
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "domain"], name="result_one_per_domain"),
            models.CheckConstraint(condition=Q(level__lte=LEVEL_MAX), name="result_level_0_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.diagnostic_id} {self.domain}: {self.level}"

    @property
    def autonomous(self) -> bool:
        return self.level >= AUTONOMY_LEVEL
