"""The SMS before a right ends: one per right and end date, whatever how often the job runs;
a renewal gets its own; suspended, closed or far rights get none."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.accounts.factories import MembershipFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.sales.factories import AccessRightFactory, AccessRightSettingsFactory
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership
from tisser.core import scheduler
from tisser.notifications import sms
from tisser.notifications.models import Notification
from tisser.sales import services
from tisser.sales.enums import RightCloseReason
from tisser.sales.reminders import send_access_right_reminders

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MORNING = datetime.datetime(2027, 3, 22, 10, 0, tzinfo=PARIS)
TODAY = MORNING.date()


@pytest.fixture(autouse=True)
def _outboxes():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def job():
    return {job.name: job for job in scheduler.registered_jobs()}["sales.access_right_reminders"]


def _right(site, ends_in_days, **kwargs):
    person = BeneficiaryFactory(site=site, phone="+33612345678", first_name="Awa")
    return AccessRightFactory(
        beneficiary=person,
        starts_on=TODAY - datetime.timedelta(days=200),
        ends_on=TODAY + datetime.timedelta(days=ends_in_days),
        **kwargs,
    )


def test_one_sms_fifteen_days_before_the_end_even_when_the_job_runs_again(
    site, job, django_capture_on_commit_callbacks
):
    due = _right(site, 15)
    _right(site, 16)  # not yet
    _right(site, 5, suspended_on=TODAY)  # suspended: nothing to buy, nothing to say
    _right(site, 5, closed_on=TODAY, close_reason=RightCloseReason.MOVED)
    with django_capture_on_commit_callbacks(execute=True):
        first = scheduler.run_job(job, now=MORNING, slot=MORNING)
        again = scheduler.run_job(job, now=MORNING + datetime.timedelta(hours=1), slot=MORNING)
    assert first.error == again.error == ""
    assert list(Notification.objects.values_list("subject_id", flat=True)) == [due.pk]
    [message] = sms.outbox
    assert "Votre droit d'accès solidaire" in message.text and "6 avril 2027" in message.text
    # The next days, the same right is not reminded again.
    for days in range(1, 16):
        send_access_right_reminders(MORNING + datetime.timedelta(days=days))
    assert Notification.objects.filter(subject_id=due.pk).count() == 1


def test_a_day_the_job_did_not_run_is_caught_up(site):
    _right(site, 10)
    assert send_access_right_reminders(MORNING) == {"reminders": 1, "already_queued": 0}


def test_a_renewed_right_is_reminded_again_before_its_new_end(site, fake_clock):
    fake_clock.set(MORNING)
    right = _right(site, 15)
    send_access_right_reminders(MORNING)
    renewal = services.renewal_request(
        actor=_manager(site), right=right, note="A besoin d'un ordinateur"
    )
    services.renewal_decide(actor=_manager(site), renewal=renewal, accept=True)
    right.refresh_from_db()
    before_new_end = datetime.datetime.combine(
        right.ends_on - datetime.timedelta(days=15), datetime.time(10), tzinfo=PARIS
    )
    assert send_access_right_reminders(before_new_end)["reminders"] == 1
    assert Notification.objects.filter(subject_id=right.pk).count() == 2


def test_the_network_chooses_how_many_days_before(site, network):
    AccessRightSettingsFactory(network=network, reminder_days=30)
    _right(site, 29)
    assert send_access_right_reminders(MORNING)["reminders"] == 1


def _manager(site):
    found = Membership.objects.filter(organisation=site, role=Role.SITE_MANAGER).first()
    return found or MembershipFactory(organisation=site, role=Role.SITE_MANAGER)
