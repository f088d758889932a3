"""A learner's progress through modules, the modules assigned to them, and helpers' groups.

Modules themselves are files (``content/modules/``, see content.py). Answers to a module's
exercise steps are the exercise engine's ``Answer`` rows in the sitting
``context_kind="module"``, ``context_id=<module id>``; this app adds what a step and a
module mean for the learner's path. See docs/decisions/0053-learning-modules.md.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import OrganisationKind
from tisser.core.clock import ClockDateTimeField
from tisser.core.models import TimeStampedModel
from tisser.core.scoping import ScopedQuerySet
from tisser.learning.enums import StepOutcome


class ModuleProgress(models.Model):
    """One learner's way through one module: where they are, what they did, how long."""

    scope_path = "beneficiary__site"
    learner_path = "beneficiary"

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="module_progress",
    )
    module_key = models.CharField(_("module"), max_length=60)
    # The module's version when the learner started; a later edit never breaks the progress
    # (removed steps are skipped, new ones offered).
    module_version = models.PositiveIntegerField(_("version"))
    # The step to show on « Continuer » (a step id of the module file).
    current_step = models.CharField(_("étape en cours"), max_length=60, blank=True)
    started_at = ClockDateTimeField(_("commencé le"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("dernière activité le"))
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    # Seconds of activity, counted between two actions less than a few minutes apart.
    seconds_spent = models.PositiveIntegerField(_("temps passé (secondes)"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("progression dans un module")
        verbose_name_plural = _("progressions dans les modules")
        ordering = ["-last_activity_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "module_key"], name="progress_one_per_module"
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=models.F("started_at")),
                name="progress_finishes_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["module_key", "finished_at"], name="progress_module_finished"),
            models.Index(fields=["beneficiary", "-last_activity_at"], name="progress_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary_id}: {self.module_key}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class StepResult(models.Model):
    """How one step of a module ended for the learner: done, read, or answer shown."""

    scope_path = "progress__beneficiary__site"

    progress = models.ForeignKey(
        ModuleProgress,
        verbose_name=_("progression"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    step_id = models.CharField(_("étape"), max_length=60)
    outcome = models.CharField(_("issue"), max_length=8, choices=StepOutcome.choices)
    misses = models.PositiveSmallIntegerField(_("essais manqués"), default=0)
    completed_at = models.DateTimeField(_("terminée le"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("étape terminée")
        verbose_name_plural = _("étapes terminées")
        ordering = ["progress", "completed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["progress", "step_id"], name="step_result_once"),
            models.CheckConstraint(
                condition=Q(outcome__in=StepOutcome.values), name="step_result_outcome_valid"
            ),
        ]
        indexes = [models.Index(fields=["step_id", "outcome"], name="step_result_failing")]

    def __str__(self) -> str:
        return f"{self.progress_id} {self.step_id}: {self.outcome}"


class LearnerGroup(models.Model):
    """A group of people a mediator forms to assign modules and follow them together."""

    scope_path = "site"

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("espace"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("nom du groupe"), max_length=80)
    members = models.ManyToManyField(
        "beneficiaries.Beneficiary", verbose_name=_("personnes"), related_name="learner_groups"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("créé par"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = ClockDateTimeField(_("créé le"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("groupe d'apprenants")
        verbose_name_plural = _("groupes d'apprenants")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="learner_group_name_per_site")
        ]

    def __str__(self) -> str:
        return self.name


class ModuleAssignment(models.Model):
    """A module a mediator gave a person to do (directly or through a group)."""

    scope_path = "beneficiary__site"
    learner_path = "beneficiary"

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="module_assignments",
    )
    module_key = models.CharField(_("module"), max_length=60)
    # The learner's path lists assignments in this order, then the diagnostic's suggestions.
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    group = models.ForeignKey(
        LearnerGroup,
        verbose_name=_("groupe"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("donné par"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    assigned_at = ClockDateTimeField(_("donné le"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("module donné")
        verbose_name_plural = _("modules donnés")
        ordering = ["position", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "module_key"],
                condition=Q(withdrawn_at__isnull=True),
                name="assignment_once_per_module",
            )
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary_id}: {self.module_key}"


# Days without activity on an unfinished module before the person is sent a reminder.
DEFAULT_NUDGE_AFTER_DAYS = 7


class LearningSettings(TimeStampedModel):
    """A network's rules for the learning modules: when a person who stopped is reminded.

    Without a row the defaults apply (``DEFAULT_NUDGE_AFTER_DAYS``), as for the sales
    app's ``AccessRightSettings``."""

    scope_path = "network"

    network = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("réseau"),
        on_delete=models.PROTECT,
        related_name="learning_settings",
        limit_choices_to={"kind": OrganisationKind.NETWORK},
    )
    nudge_after_days = models.PositiveSmallIntegerField(
        _("rappel après combien de jours sans activité"),
        default=DEFAULT_NUDGE_AFTER_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("réglages des modules")
        verbose_name_plural = _("réglages des modules")

    def __str__(self) -> str:
        return f"{self.network_id}: {self.nudge_after_days}"
