"""Subscriptions of the learning app to hooks announced by the apps below it."""

from django.utils import timezone

from tisser.core import hooks, stale_figures
from tisser.learning.models import ModuleProgress


@hooks.subscribe("beneficiary.merged")
def mark_modules_of_merged_files(*, kept, duplicate, **_payload) -> None:
    """A module counts at its file's site: the duplicate's modules move from the
    duplicate's site to the kept file's, on the days they started and ended."""
    rows = ModuleProgress.objects.filter(beneficiary_id__in=[kept.pk, duplicate.pk]).values_list(
        "started_at", "finished_at"
    )
    days = {timezone.localdate(at) for row in rows for at in row if at is not None}
    sites = {kept.site_id, duplicate.site_id}
    stale_figures.mark_stale_many(
        [(site_id, day) for site_id in sites for day in days],
        dimension=stale_figures.LEARNING,
    )
