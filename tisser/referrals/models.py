from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tisser.beneficiaries.enums import ContactChannel, SocialStatus
from tisser.core.models import TimeStampedModel
from tisser.core.scoping import ScopedQuerySet
from tisser.core.validators import reject_nir
from tisser.referrals.enums import (
    AppointmentKind,
    AppointmentStatus,
    ReferralSource,
    ReferralStatus,
)


class ReferralQuerySet(ScopedQuerySet):
    def with_status(self, *statuses):
        return self.filter(status__in=statuses)


class Referral(TimeStampedModel):
    """A bon d'orientation: a partner (or the person, on the public site) asks a space for help.

    Visible to the target site's team and to the referring partner's referrers (and the
    network admins). The status only changes through the services of referrals.transitions.
    """

    scope_path = "site"
    extra_scope_paths = ("partner",)

    site = models.ForeignKey(
        "accounts.Site",
        verbose_name=_("espace"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    partner = models.ForeignKey(
        "accounts.Partner",
        verbose_name=_("partenaire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prescripteur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(
        _("origine"), max_length=16, choices=ReferralSource.choices, default=ReferralSource.PARTNER
    )
    status = models.CharField(
        _("statut"), max_length=24, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(_("statut changé le"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    last_reminder_at = models.DateTimeField(_("dernier rappel"), null=True, blank=True)
    # Public help requests only: the day the space must have answered by (2 working days),
    # and when its managers were told it is late (once per request).
    reply_due_on = models.DateField(_("réponse attendue le"), null=True, blank=True)
    overdue_reminder_at = models.DateTimeField(_("retard signalé le"), null=True, blank=True)
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )

    # The person, as the referrer describes them.
    first_name = models.CharField(_("prénom"), max_length=100, validators=[reject_nir])
    last_name = models.CharField(_("nom"), max_length=100, blank=True, validators=[reject_nir])
    birth_year = models.PositiveSmallIntegerField(
        _("année de naissance"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_channel = models.CharField(
        _("moyen de contact préféré"),
        max_length=16,
        choices=ContactChannel.choices,
        default=ContactChannel.SMS,
    )
    postal_code = models.CharField(_("code postal"), max_length=5)
    commune = models.CharField(_("commune"), max_length=120, blank=True, validators=[reject_nir])

    # Situation and needs.
    social_status = models.CharField(
        _("situation"),
        max_length=16,
        choices=SocialStatus.choices,
        default=SocialStatus.NON_COMMUNIQUE,
    )
    is_jobseeker = models.BooleanField(_("demandeur d'emploi"), null=True, blank=True)
    eligibility_criteria = models.JSONField(_("critères déclarés"), default=list, blank=True)
    needs = models.JSONField(_("besoins"), default=list, blank=True)
    requested_offers = models.JSONField(_("offres demandées"), default=list, blank=True)
    reason = models.TextField(_("motif de l'orientation"), blank=True, validators=[reject_nir])
    notice_version = models.CharField(_("version de la notice remise"), max_length=20, blank=True)

    # Refusal by the site (codes of RejectionReason) and the message to the referrer.
    rejection_reasons = models.JSONField(_("motifs du refus"), default=list, blank=True)
    rejection_message = models.TextField(
        _("message au prescripteur"), blank=True, validators=[reject_nir]
    )

    # Idempotent imports: one row of one list never creates two referrals.
    import_key = models.CharField(max_length=64, blank=True, editable=False)
    # Normalised "last first" for search and duplicate detection; written by the services.
    search_key = models.CharField(max_length=210, blank=True, editable=False)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("bon d'orientation")
        verbose_name_plural = _("bons d'orientation")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["site", "status", "submitted_at"]),
            models.Index(fields=["partner", "status", "created_at"]),
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["status", "reply_due_on"], name="referral_reply_due"),
            # The inbox in the order it shows (newest first), whatever statuses are chosen.
            models.Index(
                fields=["site", "-submitted_at", "-id"], name="referral_site_newest_first"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"
            ),
            models.UniqueConstraint(
                fields=["import_key"],
                condition=~Q(import_key=""),
                name="referral_import_key_unique",
            ),
            # A referral sent by a partner names its referrer; a public request has neither.
            models.CheckConstraint(
                condition=~Q(source=ReferralSource.PARTNER)
                | (Q(partner__isnull=False) & Q(referrer__isnull=False)),
                name="referral_partner_has_referrer",
            ),
        ]

    def __str__(self):
        return f"BO-{self.pk} {self.first_name} {self.last_name}".strip()

    @property
    def reference(self) -> str:
        return f"BO-{self.pk:06d}"

    def get_absolute_url(self):
        return reverse("referrals:detail", kwargs={"pk": self.pk})


class ReferralEvent(models.Model):
    """One row per status change: who, when, from, to, and a short factual note."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=24, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=ReferralStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("étape du bon d'orientation")
        verbose_name_plural = _("historique des bons d'orientation")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.referral_id}: {self.from_status} → {self.to_status}"


class Appointment(TimeStampedModel):
    """An individual appointment at a site: booked from a referral, from a person's file,
    or for a walk-in (a first name only). Rebooking adds a new row; the old one is kept."""

    scope_path = "site"

    referral = models.ForeignKey(
        Referral,
        verbose_name=_("bon d'orientation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appointments",
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    # A walk-in without a file: how the team calls the person, and where to remind them.
    walk_in_name = models.CharField(
        _("prénom de la personne"), max_length=100, blank=True, validators=[reject_nir]
    )
    walk_in_phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    site = models.ForeignKey("accounts.Site", on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField(_("date et heure"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    reason = models.CharField(_("motif"), max_length=200, blank=True, validators=[reject_nir])
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("médiateur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.PLANNED,
    )
    kind = models.CharField(
        _("type"),
        max_length=12,
        choices=AppointmentKind.choices,
        default=AppointmentKind.INDIVIDUAL,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["site", "starts_at"]),
            models.Index(fields=["status", "starts_at"], name="appointment_status_start"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status=AppointmentStatus.PLANNED),
                name="appointment_one_planned_per_referral",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after_start"
            ),
            # Somebody is expected: a referral's person, a file, or a walk-in's first name.
            models.CheckConstraint(
                condition=Q(referral__isnull=False)
                | Q(beneficiary__isnull=False)
                | ~Q(walk_in_name=""),
                name="appointment_has_a_person",
            ),
        ]

    def __str__(self):
        return f"{self.pk} @ {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def origin(self) -> str:
        """ "referral", "file" or "walk_in": where the appointment was booked from."""
        if self.referral_id:
            return "referral"
        return "file" if self.beneficiary_id else "walk_in"


class ImportBatch(TimeStampedModel):
    """One uploaded list of people to refer; the same file confirmed twice creates nothing."""

    scope_path = "organisation"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Set when a network admin imports for a partner: the partner is the referrals' sender.
    on_behalf_of = models.ForeignKey(
        "accounts.Partner",
        verbose_name=_("pour le partenaire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file_name = models.CharField(_("fichier"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("import de liste")
        verbose_name_plural = _("imports de listes")
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name
