"""Subscriptions of the diagnostics app to hooks announced by the apps below it."""

from django.utils import timezone

from tisser.core import hooks, stale_figures
from tisser.diagnostics.models import Diagnostic


@hooks.subscribe("beneficiary.merged")
def mark_diagnostics_of_merged_files(*, kept, duplicate, **_payload) -> None:
    """The people counted on the days of either file's finished diagnostics change."""
    rows = Diagnostic.objects.filter(
        beneficiary_id__in=[kept.pk, duplicate.pk], finished_at__isnull=False
    ).values_list("site_id", "finished_at")
    stale_figures.mark_stale_many(
        [(site_id, timezone.localdate(at)) for site_id, at in rows],
        dimension=stale_figures.DIAGNOSTICS,
    )
