from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tisser.activities.enums import (
    MAX_DURATION_MINUTES,
    ActivityKind,
    Autonomy,
    Operator,
    PlaceType,
    RedirectionTarget,
    WorkshopLevel,
)
from tisser.core.models import TimeStampedModel
from tisser.core.scoping import ScopedQuerySet
from tisser.core.validators import reject_nir


class Activity(TimeStampedModel):
    """One accompaniment or workshop, in the national vocabulary (reference-lists §1).

    Written only by ``activities.services``. Lists of codes (themes, procedure sub-themes,
    equipment) are JSON lists of the upstream codes; ``theme_mask`` holds the same themes
    as bits so that a list filtered by theme stays one integer test on every database.
    Anonymous participants are counts per value of §1.4 (``anonymous_counts``); identified
    ones are files (``Participation``).
    """

    scope_path = "site"

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("espace"), on_delete=models.PROTECT, related_name="+"
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("médiateur"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("type"), max_length=16, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("durée (min)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    place_type = models.CharField(_("lieu"), max_length=16, choices=PlaceType.choices)
    place_postal_code = models.CharField(_("code postal du lieu"), max_length=5, blank=True)
    place_commune = models.CharField(
        _("commune du lieu"), max_length=120, blank=True, validators=[reject_nir]
    )
    themes = models.JSONField(_("thématiques"), default=list)
    procedure_themes = models.JSONField(_("démarches"), default=list, blank=True)
    theme_mask = models.BigIntegerField(default=0, editable=False)
    procedure_name = models.CharField(
        _("nom de la démarche"), max_length=200, blank=True, validators=[reject_nir]
    )
    operator = models.CharField(
        _("opérateur du service en ligne"), max_length=24, choices=Operator.choices, blank=True
    )
    equipment = models.JSONField(_("matériel utilisé"), default=list, blank=True)
    autonomy = models.CharField(
        _("niveau d'autonomie"), max_length=32, choices=Autonomy.choices, blank=True
    )
    redirected = models.BooleanField(_("orienté vers une autre structure"), null=True, blank=True)
    redirection_target = models.CharField(
        _("structure de redirection"), max_length=40, choices=RedirectionTarget.choices, blank=True
    )
    workshop_name = models.CharField(
        _("nom de l'atelier"), max_length=200, blank=True, validators=[reject_nir]
    )
    workshop_level = models.CharField(
        _("niveau de l'atelier"), max_length=16, choices=WorkshopLevel.choices, blank=True
    )
    # {"age": {code: n}, "status": {code: n}, "gender": {code: n}}: each sums to anonymous_count.
    anonymous_counts = models.JSONField(default=dict, blank=True)
    anonymous_count = models.PositiveSmallIntegerField(_("participants anonymes"), default=0)
    anonymous_seen_before = models.PositiveSmallIntegerField(_("déjà accompagnés"), default=0)
    participant_count = models.PositiveSmallIntegerField(_("nombre de participants"), default=0)
    notes = models.TextField(_("notes"), blank=True, validators=[reject_nir])
    appointment = models.ForeignKey(
        "referrals.Appointment",
        verbose_name=_("rendez-vous"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        ordering = ["-date", "-id"]
        indexes = [
            # The site's list, newest first, and each of its filters.
            models.Index(fields=["site", "-date", "-id"], name="activity_site_newest"),
            models.Index(fields=["site", "mediator", "-date"], name="activity_site_mediator"),
            models.Index(fields=["site", "kind", "-date"], name="activity_site_kind"),
            models.Index(
                fields=["site", "operator", "-date"],
                name="activity_site_operator",
                condition=~Q(operator=""),
            ),
            # The network's list (network admins) and the mediator's recent themes.
            models.Index(fields=["-date", "-id"], name="activity_newest"),
            models.Index(fields=["mediator", "-created_at"], name="activity_mediator_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ActivityKind.values), name="activity_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(place_type__in=PlaceType.values), name="activity_place_valid"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=MAX_DURATION_MINUTES),
                name="activity_duration_bounded",
            ),
            models.CheckConstraint(
                condition=Q(operator__in=["", *Operator.values]), name="activity_operator_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=ActivityKind.COLLECTIF) | Q(participant_count=1),
                name="activity_individual_one_person",
            ),
            # One record per appointment: saving twice from the same appointment is refused.
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(appointment__isnull=False),
                name="activity_one_per_appointment",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y} ({self.pk})"

    def get_absolute_url(self):
        return reverse("activities:detail", kwargs={"pk": self.pk})


class Participation(models.Model):
    """An identified participant: the person's file."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "beneficiary"], name="participation_once_per_activity"
            )
        ]
        indexes = [models.Index(fields=["beneficiary", "activity"])]

    def __str__(self):
        return f"{self.activity_id}: {self.beneficiary_id}"
