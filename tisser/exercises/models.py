"""Answers to exercise items, and the exact item versions they answered.

Items live in files (``content/exercises/``, see content.py). An item may change after
learners answered it: each answer points to the ``ItemVersion`` it answered, a copy of the
item's definition keyed by its content hash, so an old answer keeps being read and scored
against what the learner saw (docs/decisions/0044-exercise-engine.md).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tisser.core.clock import ClockDateTimeField
from tisser.core.scoping import ScopedQuerySet
from tisser.exercises.enums import ContextKind, ItemType


class ItemVersion(models.Model):
    """One version of an item as it was answered: its whole definition, frozen."""

    key = models.CharField(_("exercice"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    content_hash = models.CharField(_("empreinte"), max_length=64)
    type = models.CharField(_("type"), max_length=16, choices=ItemType.choices)
    level = models.PositiveSmallIntegerField(
        _("niveau"), validators=[MinValueValidator(0), MaxValueValidator(4)]
    )
    choices = models.PositiveSmallIntegerField(_("réponses possibles"))
    definition = models.JSONField(_("définition"))
    first_seen_at = ClockDateTimeField(_("première réponse le"), auto_now_add=True)

    class Meta:
        verbose_name = _("version d'exercice")
        verbose_name_plural = _("versions d'exercices")
        constraints = [
            models.UniqueConstraint(fields=["key", "content_hash"], name="item_version_unique"),
            models.CheckConstraint(condition=models.Q(level__lte=4), name="item_version_level"),
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class Answer(models.Model):
    """A learner's answer to one item version, in one sitting (context kind and id).

    Saved as soon as it is given; ``idempotency_key`` comes from the page that showed the
    item, so the same answer sent twice (a double tap, a resent form) is stored once.
    """

    scope_path = "beneficiary__site"
    # For learner pages that will show one answer (``learner_object`` in core.access).
    learner_path = "beneficiary"

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="exercise_answers",
    )
    item_version = models.ForeignKey(
        ItemVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="answers"
    )
    item_key = models.CharField(_("exercice"), max_length=60)
    # A generic (kind, id) pair: the diagnostic's and modules' sittings, without a foreign key
    # to apps that come later.
    context_kind = models.CharField(_("cadre"), max_length=16, choices=ContextKind.choices)
    context_id = models.CharField(_("séance"), max_length=40, blank=True)
    idempotency_key = models.CharField(_("clé d'envoi"), max_length=40)
    response = models.JSONField(_("réponse"))
    score = models.DecimalField(
        _("score"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    correct = models.BooleanField(_("juste"))
    answered_at = ClockDateTimeField(_("répondu le"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "idempotency_key"], name="answer_sent_once"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=1), name="answer_score_0_to_1"
            ),
        ]
        indexes = [
            models.Index(
                fields=["beneficiary", "context_kind", "context_id", "answered_at"],
                name="answer_sitting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_key} ({self.score})"
