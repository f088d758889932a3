from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tisser.beneficiaries.enums import ConsentKind, ContactChannel, Nationality, SocialStatus
from tisser.core.models import TimeStampedModel
from tisser.core.scoping import ScopedQuerySet
from tisser.core.validators import reject_nir


class BeneficiaryQuerySet(ScopedQuerySet):
    def active(self):
        """Files in use: merged-away files stay stored (nothing is lost) but are hidden."""
        return self.filter(merged_into__isnull=True)


class Beneficiary(TimeStampedModel):
    """The file of a person the network accompanies, bounded by the CNIL rules.

    No social-security number anywhere; nationality only FR / UE / HORS_UE and optional;
    asylum only yes / no and optional; the information notice date and version required.
    """

    scope_path = "site"

    site = models.ForeignKey(
        "accounts.Site",
        verbose_name=_("espace"),
        on_delete=models.PROTECT,
        related_name="beneficiaries",
    )
    file_number = models.CharField(_("numéro de dossier"), max_length=20, unique=True)
    first_name = models.CharField(_("prénom"), max_length=100, validators=[reject_nir])
    # Optional: a person who asked for help on the public site may give only a first name.
    # The counter form still asks for it.
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
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True, validators=[reject_nir])
    social_status = models.CharField(
        _("situation"),
        max_length=16,
        choices=SocialStatus.choices,
        default=SocialStatus.NON_COMMUNIQUE,
    )
    is_jobseeker = models.BooleanField(_("demandeur d'emploi"), null=True, blank=True)
    eligibility_criteria = models.JSONField(_("critères déclarés"), default=list, blank=True)
    nationality = models.CharField(
        _("nationalité"), max_length=8, choices=Nationality.choices, blank=True
    )
    asylum_request = models.BooleanField(_("demande d'asile déposée"), null=True, blank=True)
    notice_given_on = models.DateField(_("notice d'information remise le"))
    notice_version = models.CharField(_("version de la notice"), max_length=20)
    # Normalised "last first" (no accents, lower case, hyphens as spaces) for search and
    # duplicate detection; written by the services, never typed.
    search_key = models.CharField(max_length=210, db_index=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionné dans"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_files",
    )
    last_contact_at = models.DateTimeField(_("dernier contact"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["site", "search_key"]),
            models.Index(fields=["phone"]),
            models.Index(fields=["birth_year", "search_key"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(nationality__in=["", *Nationality.values]),
                name="beneficiary_nationality_cnil",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="beneficiary_not_merged_into_self"
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name} ({self.file_number})"

    def get_absolute_url(self):
        return reverse("beneficiaries:detail", kwargs={"pk": self.pk})


class FileNumberSequence(models.Model):
    """One counter per site, locked when a file number is taken, so numbers never collide."""

    site = models.OneToOneField("accounts.Site", on_delete=models.CASCADE, related_name="+")
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.site_id}: {self.last_value}"


class Consent(models.Model):
    """An optional use the person agreed to; withdrawing keeps the row with its date."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consentement"), max_length=16, choices=ConsentKind.choices)
    given_at = models.DateTimeField(_("donné le"))
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["kind", "-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "kind"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ConsentKind.values), name="consent_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.beneficiary_id})"
