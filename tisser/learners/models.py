from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisser.core import clock
from tisser.core.scoping import ScopedQuerySet
from tisser.learners import codes


class LearnerCardQuerySet(ScopedQuerySet):
    def unrevoked(self):
        return self.filter(revoked_at__isnull=True)

    def usable(self, now=None):
        """Cards that sign a learner in now: not revoked, not expired, file not merged away."""
        moment = now or clock.now()
        return self.filter(
            revoked_at__isnull=True,
            expires_at__gt=moment,
            beneficiary__merged_into__isnull=True,
        )


class LearnerCard(models.Model):
    """A person's card to sign in on a phone or a computer without a password.

    Scoped through the person's file: the file's site team sees it (``scope_path``); the
    site that issued it is printed on the card. Neither the code nor the link token is
    stored: only the seed they are derived from with a key kept out of the database, and a
    keyed hash of each to find the card (``tisser.learners.codes``). One card at a time per
    person: issuing a new one revokes the old one in the same transaction.
    """

    scope_path = "beneficiary__site"
    # The learner it belongs to (``tisser.core.access.learner_object``).
    learner_path = "beneficiary"

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="learner_cards",
    )
    site = models.ForeignKey(
        "accounts.Site",
        verbose_name=_("espace qui l'a remise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    seed = models.CharField(max_length=64, editable=False)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("remise par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("remise le"))
    expires_at = models.DateTimeField(_("valable jusqu'au"))
    revoked_at = models.DateTimeField(_("désactivée le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("désactivée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("dernière connexion"), null=True, blank=True)

    objects = LearnerCardQuerySet.as_manager()

    class Meta:
        verbose_name = _("carte d'accès apprenant")
        verbose_name_plural = _("cartes d'accès apprenant")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary"],
                condition=Q(revoked_at__isnull=True),
                name="learner_card_one_unrevoked_per_person",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("issued_at")),
                name="learner_card_expires_after_issue",
            ),
        ]
        indexes = [models.Index(fields=["beneficiary", "-issued_at"])]

    def __str__(self):
        return f"Carte apprenant n° {self.pk}"

    @property
    def code(self) -> str:
        """The code to type, derived from the seed (never stored)."""
        return codes.code_from_seed(self.seed)

    @property
    def token(self) -> str:
        return codes.token_from_seed(self.seed)

    @property
    def grouped_code(self) -> str:
        return codes.grouped(self.code)

    def is_usable(self, now=None) -> bool:
        moment = now or clock.now()
        return self.revoked_at is None and self.expires_at > moment

    @property
    def is_expired(self) -> bool:
        return self.revoked_at is None and self.expires_at <= clock.now()
