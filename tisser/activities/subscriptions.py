"""Subscriptions of the activities app to hooks announced by the apps below it."""

from django.db.models import Count, Q

from tisser.activities.models import Activity
from tisser.core import hooks, stale_figures


@hooks.subscribe("beneficiary.merged")
def mark_activities_of_merged_files(*, kept, duplicate, **_payload) -> None:
    """The people counted on the days of either file's activities change (decision 0055)."""
    site_days = (
        Activity.objects.filter(participations__beneficiary_id__in=[kept.pk, duplicate.pk])
        .values_list("site_id", "date")
        .distinct()
    )
    stale_figures.mark_stale_many(site_days, dimension=stale_figures.ACTIVITIES)


@hooks.subscribe("beneficiary.anonymised")
def erase_activity_notes(*, file_ids, **_payload) -> None:
    """The notes of the records that name this person alone are about them: erased. A group
    record's notes are about the group and stay; the records themselves stay (figures)."""
    own = (
        Activity.objects.filter(participations__beneficiary_id__in=file_ids)
        .annotate(
            others=Count("participations", filter=~Q(participations__beneficiary_id__in=file_ids))
        )
        .filter(others=0)
        .exclude(notes="")
        .values_list("pk", flat=True)
    )
    Activity.objects.filter(pk__in=list(own)).update(notes="")
