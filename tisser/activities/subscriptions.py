"""Subscriptions of the activities app to hooks announced by the apps below it."""

from tisser.activities.models import Activity, Participation
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
    theirs = Participation.objects.filter(beneficiary_id__in=file_ids).values("activity_id")
    shared = (
        Participation.objects.filter(activity_id__in=theirs)
        .exclude(beneficiary_id__in=file_ids)
        .values("activity_id")
    )
    Activity.objects.filter(pk__in=theirs).exclude(pk__in=shared).exclude(notes="").update(notes="")
