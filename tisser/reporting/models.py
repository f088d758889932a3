"""The roll-ups of the impact figures, the figures from before Tisser, the PDF reports asked
for, and the public figures' daily snapshot (decision 0055).

Roll-ups are written only by ``tisser/reporting/rollups.py`` and hold no personal data but
file ids inside the people bitmaps (``people_sets``); they are rebuilt from the raw records
at will (``manage.py reporting_rebuild``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tisser.core.models import TimeStampedModel
from tisser.core.scoping import ScopedQuerySet
from tisser.core.validators import reject_nir
from tisser.reporting.enums import Grain, ReportKind, ReportStatus


class _Rollup(models.Model):
    """One piece of a figure: an indicator at a site (or the whole network when ``site`` is
    null) over a day, a month or a year, for one breakdown key and one facet."""

    network = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(
        "accounts.Site", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    grain = models.CharField(max_length=1, choices=Grain.choices)
    period_start = models.DateField()
    indicator = models.CharField(max_length=64)
    key = models.CharField(max_length=64, blank=True)
    facet = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.indicator} {self.site_id or '*'} {self.grain}{self.period_start}"


class Tally(_Rollup):
    """The sum of an indicator's amounts over the piece."""

    value = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("total consolidé")
        verbose_name_plural = _("totaux consolidés")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "site", "grain", "period_start", "indicator", "key", "facet"],
                name="tally_once",
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(fields=["network", "grain", "period_start", "indicator"]),
            models.Index(fields=["site", "grain", "period_start"]),
        ]


class PeopleSet(_Rollup):
    """The exact set of files an indicator counted over the piece (``people_sets``)."""

    members = models.BinaryField()
    size = models.PositiveIntegerField()
    # The fingerprint of ``members`` (``people_sets.digest``). A row is never changed, only
    # deleted and written anew, so readers may keep a set they decoded by it (``set_cache``).
    # Null: written by a version without digests (during a deploy), read every time.
    digest = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("ensemble de personnes consolidé")
        verbose_name_plural = _("ensembles de personnes consolidés")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "site", "grain", "period_start", "indicator", "key", "facet"],
                name="people_set_once",
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(fields=["network", "grain", "period_start", "indicator"]),
            models.Index(fields=["site", "grain", "period_start"]),
        ]


class HistoricFigure(TimeStampedModel):
    """A figure from before Tisser, entered by a network admin for a site and a year, with
    where it comes from. The public page adds it to the computed figures, marked as such."""

    scope_path = "site"

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("espace"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    indicator = models.CharField(_("indicateur"), max_length=64)
    value = models.PositiveIntegerField(_("valeur"), validators=[MaxValueValidator(10_000_000)])
    source = models.CharField(
        _("source"),
        max_length=300,
        validators=[reject_nir],
        help_text=_("D'où vient ce chiffre : rapport d'activité, tableau de suivi…"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("chiffre d'avant Tisser")
        verbose_name_plural = _("chiffres d'avant Tisser")
        ordering = ["-year", "site__name", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "year", "indicator"], name="historic_figure_once"
            )
        ]

    def __str__(self):
        return f"{self.site_id} {self.year} {self.indicator}"


class ReportRequest(TimeStampedModel):
    """A PDF report asked for: prepared by a task, downloaded by whoever asked."""

    scope_path = "organisation"

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=16, choices=ReportKind.choices)
    # The dashboard's filters as they were (the URL's query string, parsed again by the task).
    filters = models.JSONField(_("filtres"), default=dict)
    status = models.CharField(
        _("état"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    finished_at = models.DateTimeField(_("prêt le"), null=True, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True)
    error = models.CharField(_("erreur"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapport demandé")
        verbose_name_plural = _("rapports demandés")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.pk}"


class PublicSnapshot(models.Model):
    """The public figures page of a network, computed daily from the roll-ups."""

    network = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField()
    figures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("chiffres publics")
        verbose_name_plural = _("chiffres publics")
        ordering = ["-computed_at"]
        get_latest_by = "computed_at"

    def __str__(self):
        return f"{self.network_id} {self.computed_at:%Y-%m-%d}"
