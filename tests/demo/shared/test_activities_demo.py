"""The demo activity records: every demo space has a history, and a demo person who came to
an appointment can be followed from the referral to the activity on their file."""

import pytest

from tisser.activities.enums import ActivityKind
from tisser.activities.models import Activity
from tisser.core.timeline import beneficiary_timeline
from tisser.referrals.enums import AppointmentStatus
from tisser.referrals.models import Appointment

pytestmark = pytest.mark.django_db


def test_each_demo_space_has_accompaniments_and_workshops(demo_ci):
    result = demo_ci.activities
    assert result.history > 0 and result.from_appointments > 0
    # The training demo adds one record per called session and per workshop (issue 15).
    training = demo_ci.training.activities
    assert Activity.objects.count() == result.history + result.from_appointments + training
    for site_id in Activity.objects.values_list("site", flat=True).distinct():
        kinds = set(Activity.objects.filter(site_id=site_id).values_list("kind", flat=True))
        assert kinds == {ActivityKind.INDIVIDUEL, ActivityKind.COLLECTIF}
    assert Activity.objects.values("site").distinct().count() == 2
    # Every record is consistent with the services' rules: at least one theme, people counted.
    assert not Activity.objects.filter(themes=[]).exists()
    assert not Activity.objects.filter(participant_count=0).exists()


def test_a_demo_person_is_followed_from_the_referral_to_the_activity(demo_ci):
    came = Appointment.objects.filter(
        status=AppointmentStatus.CAME, referral__beneficiary__isnull=False
    ).select_related("referral__beneficiary")
    assert came.exists()
    for appointment in came:
        activity = Activity.objects.get(appointment=appointment)
        person = appointment.referral.beneficiary
        assert list(activity.participations.values_list("beneficiary", flat=True)) == [person.pk]
        kinds = [event.kind for event in beneficiary_timeline(person)]
        assert "referral.consumed" in kinds and "activity.individuel" in kinds
