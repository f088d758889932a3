from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisser.core.clock import ClockDateTimeField


class TimeStampedModel(models.Model):
    # Stamped by tisser.core.clock, so demo history and tests can write the past.
    created_at = ClockDateTimeField(_("créé le"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


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
