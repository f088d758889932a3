from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.beneficiaries.enums import (
    ConsentKind,
    ContactChannel,
    EligibilityCriterion,
    Nationality,
    PeriodCloseReason,
    PeriodOpening,
    SocialStatus,
)
from tisser.core.models import TimeStampedModel
from tisser.core.scoping import ScopedQuerySet
from tisser.core.validators import reject_nir


class BeneficiaryQuerySet(ScopedQuerySet):
    def active(self):
        """Files in use: merged-away files stay stored (nothing is lost) but are hidden."""
        return self.filter(merged_into__isnull=True)

    def jobseekers(self):
        """The one definition of a jobseeker (docs/decisions/0023-jobseeker.md): the file says
        the person is a registered jobseeker, or a long-term jobseeker criterion is declared."""
        criteria = Cast("eligibility_criteria", TextField())
        condition = Q(is_jobseeker=True)
        for code in LONG_TERM_JOBSEEKER_CRITERIA:
            # Portable JSON-array membership: the codes are stored quoted ('["DELD", "RSA"]').
            condition |= Q(criteria_text__contains=f'"{code}"')
        return self.annotate(criteria_text=criteria).filter(condition)


# Criteria of les emplois de l'inclusion that only a registered jobseeker can declare.
LONG_TERM_JOBSEEKER_CRITERIA = (EligibilityCriterion.DELD, EligibilityCriterion.DETLD)


def is_jobseeker(beneficiary) -> bool:
    """The same definition as ``BeneficiaryQuerySet.jobseekers`` for one file in memory."""
    if beneficiary.is_jobseeker:
        return True
    return any(code in beneficiary.eligibility_criteria for code in LONG_TERM_JOBSEEKER_CRITERIA)


def works_on_file(membership, beneficiary, *, site_roles) -> bool:
    """Whether ``membership`` works on this file's pages: an active member of ``site_roles``
    at the file's own site, or a network admin; nobody on a file merged into another. The
    rule of the file page's actions (``file_actions`` of the timeline providers)."""
    if membership is None or not membership.is_active or beneficiary.merged_into_id:
        return False
    if membership.role == Role.NETWORK_ADMIN:
        return True
    return membership.role in site_roles and membership.organisation_id == beneficiary.site_id


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
    # Set once by ``beneficiary_anonymise``: names, contacts and free text erased for good,
    # the records the statistics use kept (decision 0055).
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)
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


class AccompanimentPeriodQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


class AccompanimentPeriod(TimeStampedModel):
    """A stretch of time during which the network accompanies a person.

    Opened by a first visit or a consumed referral, closed with a reason from a closed list.
    At most one open period per file (database constraint). Exit diagnostics, satisfaction
    surveys and follow-ups of later issues point to a period with a foreign key.
    """

    scope_path = "site"

    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="periods"
    )
    # The site where the period opened; the file's site sees it through the file.
    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("espace"), on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField(_("ouverte le"))
    opened_by = models.CharField(_("ouverte par"), max_length=16, choices=PeriodOpening.choices)
    # The referral that opened it (referrals sit above beneficiaries: an id, not a foreign key).
    opening_referral_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    closed_on = models.DateField(_("fermée le"), null=True, blank=True)
    close_reason = models.CharField(
        _("motif de fin"), max_length=24, choices=PeriodCloseReason.choices, blank=True
    )
    close_note = models.CharField(
        _("précision"), max_length=500, blank=True, validators=[reject_nir]
    )
    # Automatic closures (the idle job) have no author.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AccompanimentPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("période d'accompagnement")
        verbose_name_plural = _("périodes d'accompagnement")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary"],
                condition=Q(closed_on__isnull=True),
                name="period_one_open_per_file",
            ),
            models.CheckConstraint(
                condition=Q(opened_by__in=PeriodOpening.values), name="period_opening_valid"
            ),
            # Closed <=> a reason from the list; an open period has neither.
            models.CheckConstraint(
                condition=(Q(closed_on__isnull=True) & Q(close_reason=""))
                | (Q(closed_on__isnull=False) & Q(close_reason__in=PeriodCloseReason.values)),
                name="period_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="period_closes_after_opening",
            ),
        ]

    def __str__(self):
        return f"{self.beneficiary_id}: {self.opened_on} → {self.closed_on or '…'}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class FileNote(TimeStampedModel):
    """A note the site team writes on a file. Read and written by the file's site team only."""

    scope_path = "beneficiary__site"

    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=2000, validators=[reject_nir])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["beneficiary", "-created_at", "-id"], name="note_newest")]

    def __str__(self):
        return f"{self.beneficiary_id}: note {self.pk}"


class Household(TimeStampedModel):
    """People who live together, as the site team was told at the counter (a light link).

    Household quota rules (sales) count what every member bought. The members are the
    current ``HouseholdMember`` rows; the rows of those who left stay, dated, for history.
    """

    scope_path = "site"

    # The site whose team made the first link; members may be files of other sites of the
    # same network (each team sees only the files it may see).
    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("espace"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("foyer")
        verbose_name_plural = _("foyers")

    def __str__(self):
        return f"foyer {self.pk}"


class HouseholdMemberQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(left_at__isnull=True)


class HouseholdMember(models.Model):
    """A file's stay in a household: from ``joined_at`` until ``left_at`` (still there if
    empty). At most one current household per file (database constraint)."""

    scope_path = "beneficiary__site"

    household = models.ForeignKey(
        Household, verbose_name=_("foyer"), on_delete=models.PROTECT, related_name="members"
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="household_links",
    )
    joined_at = models.DateTimeField(_("rattaché le"))
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    left_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = HouseholdMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre d'un foyer")
        verbose_name_plural = _("membres d'un foyer")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary"],
                condition=Q(left_at__isnull=True),
                name="household_one_current_per_file",
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=models.F("joined_at")),
                name="household_left_after_joining",
            ),
        ]
        indexes = [models.Index(fields=["household", "left_at"], name="household_members")]

    def __str__(self):
        return f"{self.beneficiary_id} ∈ {self.household_id}"
