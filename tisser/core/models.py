from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

from tisser.core.clock import ClockDateTimeField


class TimeStampedModel(models.Model):
    # Stamped by tisser.core.clock, so demo history and tests can write the past.
    created_at = ClockDateTimeField(_("créé le"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        """``get_<field>_display()`` without rebuilding the field's choices on every call.

        Django's own version builds ``dict(make_hashable(field.flatchoices))`` per call, which
        hashes (and so translates) every lazy label: an inbox page of 50 referrals spent a
        fifth of its time there (docs/decisions/0018-signed-in-page-cost.md). The mapping is
        built once per field; its labels stay lazy, translated in the language of the call.
        """
        labels = field.__dict__.get("_tisser_choice_labels")
        if labels is None:
            labels = field.__dict__["_tisser_choice_labels"] = dict(
                make_hashable(field.flatchoices)
            )
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class JournalIsAppendOnly(Exception):
    """Raised when code tries to change or remove a journal entry."""


class JournalEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalIsAppendOnly("Journal entries cannot be updated.")

    def delete(self):
        raise JournalIsAppendOnly("Journal entries cannot be deleted; use the purge command.")

    def older_than(self, moment):
        return self.filter(created_at__lt=moment)


class JournalEntry(models.Model):
    """One append-only line of the audit journal.

    Holds pseudonymous ids only: the actor's id, the object's type and id, and a small
    payload that must never contain personal data (names, phones, free text about a person).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A default (not auto_now_add) so that retention tests can write past dates.
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("type d'objet"), max_length=64, blank=True)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    site = models.ForeignKey(
        "accounts.Site",
        verbose_name=_("espace"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("motif"), max_length=500, blank=True)
    payload = models.JSONField(_("données"), default=dict, blank=True)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise JournalIsAppendOnly("Journal entries cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalIsAppendOnly("Journal entries cannot be deleted; use the purge command.")


class JobStatus(models.TextChoices):
    RUNNING = "running", _("en cours")
    SUCCEEDED = "succeeded", _("réussie")
    FAILED = "failed", _("en échec")


class ScheduledJob(models.Model):
    """The state of one periodic job (see tisser/core/scheduler.py): its lease and last run.

    One row per registered job. ``last_slot`` is the schedule slot most recently claimed:
    a run claims its slot with a conditional UPDATE before the job body starts, so a slot is
    run at most once even when two schedulers run at the same moment.
    """

    name = models.CharField(_("nom"), max_length=100, unique=True)
    last_slot = models.DateTimeField(_("dernière échéance traitée"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=16, choices=JobStatus.choices, blank=True)
    started_at = models.DateTimeField(_("démarrée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), null=True, blank=True)
    summary = models.CharField(_("résultat"), max_length=500, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("tâche planifiée")
        verbose_name_plural = _("tâches planifiées")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.status or '-'})"


class StaleFigure(models.Model):
    """A (site, day, dimension) whose figures the reporting roll-ups must recompute.

    Written by the services that change records the figures are drawn from, inside their
    own transaction, through :func:`tisser.core.stale_figures.mark_stale` (core knows no
    domain, so the site is a bare id and the dimension a code; lower apps never import the
    reporting app). The reporting job reads and deletes these rows (issue 16, decision 0055).
    """

    site_id = models.PositiveBigIntegerField(_("espace"))
    day = models.DateField(_("jour"))
    dimension = models.CharField(_("dimension"), max_length=32)
    marked_at = models.DateTimeField(_("marqué le"), auto_now_add=True)

    class Meta:
        verbose_name = _("chiffre à recalculer")
        verbose_name_plural = _("chiffres à recalculer")
        constraints = [
            models.UniqueConstraint(
                fields=["site_id", "day", "dimension"], name="stale_figure_once"
            )
        ]

    def __str__(self):
        return f"{self.site_id} {self.day} {self.dimension}"
