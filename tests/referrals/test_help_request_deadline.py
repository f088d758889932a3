"""Public help requests: in their space's inbox with a reply day (two working days), the
managers reminded exactly once when it passes, the network admin sees every late one."""

import datetime

import pytest
from django.urls import reverse

from tests.accounts.factories import MembershipFactory
from tests.referrals.actions import S, perform, queued
from tisser.accounts.enums import Role
from tisser.core.models import JournalEntry
from tisser.core.scheduler import registered_jobs, run_due_jobs
from tisser.core.views_helpers import PAGE_SIZE
from tisser.notifications.models import Notification
from tisser.notifications.services import notification_deliver
from tisser.referrals import services
from tisser.referrals import transitions as t
from tisser.referrals.deadlines import add_working_days, help_request_due_on
from tisser.referrals.enums import ReferralSource
from tisser.referrals.models import Referral

pytestmark = pytest.mark.django_db

# Paris wall-clock moments (UTC+1 in winter).
MONDAY = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)
FRIDAY = datetime.datetime(2026, 12, 11, 16, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (datetime.date(2026, 12, 7), datetime.date(2026, 12, 9)),  # Monday -> Wednesday
        (datetime.date(2026, 12, 10), datetime.date(2026, 12, 14)),  # Thursday -> Monday
        (datetime.date(2026, 12, 11), datetime.date(2026, 12, 15)),  # Friday -> Tuesday
        (datetime.date(2026, 12, 12), datetime.date(2026, 12, 15)),  # Saturday -> Tuesday
    ],
)
def test_two_working_days(received, due):
    assert help_request_due_on(received) == due
    assert add_working_days(received, 0) == received


def test_public_holidays_are_not_working_days_with_alsace_moselles_own():
    thursday = datetime.date(2027, 3, 25)  # Good Friday the 26th, Easter Monday the 29th
    assert help_request_due_on(thursday, postal_code="67000") == datetime.date(2027, 3, 31)
    assert help_request_due_on(thursday, postal_code="69001") == datetime.date(2027, 3, 30)
    # 11 November 2026 (Wednesday) everywhere: Tuesday 10th -> Thursday 12th -> Friday 13th.
    assert help_request_due_on(datetime.date(2026, 11, 10)) == datetime.date(2026, 11, 13)


def public_request(world, site=None):
    referral = services.referral_create_draft(
        actor=None,
        site=site or world.site,
        data={
            "first_name": "Fatou",
            "phone": "06 12 34 56 78",
            "postal_code": "67000",
            "needs": ["skills"],
            "notice_given": True,
        },
        source=ReferralSource.PUBLIC_REQUEST,
    )
    return t.referral_submit(actor=None, referral=referral)


def overdue_messages():
    return Notification.objects.filter(template="help_request_overdue_site")


def test_a_request_gets_its_reply_day_in_its_space(world, fake_clock):
    fake_clock.set(FRIDAY)
    referral = public_request(world)
    assert referral.status == S.SUBMITTED
    assert referral.reply_due_on == datetime.date(2026, 12, 15)


def test_the_job_reminds_the_managers_exactly_once(world, fake_clock):
    fake_clock.set(MONDAY)
    referral = public_request(world)  # due Wednesday 9 December
    on_time = MONDAY + datetime.timedelta(days=2, hours=1)  # Wednesday: still on time
    assert services.help_requests_remind_overdue(on_time) == {"reminded": 0}
    late = MONDAY + datetime.timedelta(days=3)  # Thursday morning
    assert services.help_requests_remind_overdue(late) == {"reminded": 1}
    assert services.help_requests_remind_overdue(late) == {"reminded": 0}
    assert services.help_requests_remind_overdue(late + datetime.timedelta(days=1)) == {
        "reminded": 0
    }
    message = overdue_messages().get()
    assert message.recipient_kind == "site_managers" and message.site_id == world.site.pk
    referral.refresh_from_db()
    assert referral.overdue_reminder_at == late
    assert JournalEntry.objects.filter(action="referral.help_request_overdue").count() == 1


def test_the_scheduled_job_run_twice_sends_one_reminder(world, fake_clock):
    fake_clock.set(MONDAY)
    public_request(world)
    [job] = [j for j in registered_jobs() if j.name == "referrals.help_requests_overdue"]
    thursday = datetime.datetime(2026, 12, 10, 8, 45, tzinfo=datetime.UTC)
    friday = thursday + datetime.timedelta(days=1)
    results = [
        *run_due_jobs(now=thursday, jobs=[job]),
        *run_due_jobs(now=thursday, jobs=[job]),  # same slot: not due
        *run_due_jobs(now=friday, jobs=[job]),  # next slot: nothing left to remind
    ]
    assert [r.outcome for r in results][1] == "not_due"
    assert overdue_messages().count() == 1


def test_the_reminder_goes_to_the_managers_only(world, fake_clock, mailoutbox):
    fake_clock.set(MONDAY)
    referral = public_request(world)
    services.help_request_remind_overdue(referral=referral, now=MONDAY + datetime.timedelta(days=3))
    message = overdue_messages().get()
    notification_deliver(notification_id=message.pk)
    [email] = [m for m in mailoutbox if "retard" in m.subject]
    assert email.to == [world.manager.user.email.lower()]
    assert world.mediator.user.email.lower() not in email.to


def test_answered_requests_are_not_reminded(world, fake_clock):
    fake_clock.set(MONDAY)
    referral = public_request(world)
    perform(t.ACCEPT, world, referral, starts_at=MONDAY + datetime.timedelta(days=5))
    assert services.help_requests_remind_overdue(MONDAY + datetime.timedelta(days=4)) == {
        "reminded": 0
    }


def test_a_transferred_request_gets_a_new_reply_day(world, fake_clock):
    fake_clock.set(MONDAY)
    referral = public_request(world)
    fake_clock.set(FRIDAY)
    perform(t.TRANSFER, world, referral, to_site=world.other_site)
    referral.refresh_from_db()
    assert referral.site == world.other_site
    assert referral.reply_due_on == datetime.date(2026, 12, 15)
    assert ("referral_transferred_site", "site_team") in {
        (template, kind) for template, kind, _key in queued(referral)
    }


def test_the_network_admin_sees_every_late_request(world, login, fake_clock):
    fake_clock.set(MONDAY)
    late_here = public_request(world)
    late_there = public_request(world, site=world.other_site)
    fake_clock.set(MONDAY + datetime.timedelta(days=1))
    on_time = public_request(world)
    fake_clock.set(MONDAY + datetime.timedelta(days=3))
    url = reverse("referrals:help_requests_late")

    page = login(world.admin).get(url).content.decode()
    assert late_here.reference in page and late_there.reference in page
    assert on_time.reference not in page

    own = login(world.manager).get(url).content.decode()
    assert late_here.reference in own and late_there.reference not in own

    assert login(world.mediator).get(url).status_code == 403
    assert login(world.referrer).get(url).status_code == 403


def test_the_late_list_costs_the_same_at_1_and_40_rows(
    world, login, fake_clock, django_assert_max_num_queries
):
    fake_clock.set(MONDAY)
    public_request(world)
    fake_clock.set(MONDAY + datetime.timedelta(days=5))
    client = login(world.admin)
    url = reverse("referrals:help_requests_late")
    client.get(url)
    with django_assert_max_num_queries(30) as one:
        client.get(url)
    fake_clock.set(MONDAY)
    for index in range(40):
        public_request(world, site=world.other_site if index % 2 else world.site)
    fake_clock.set(MONDAY + datetime.timedelta(days=5))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("BO-") == PAGE_SIZE  # a full first page
    assert Referral.objects.count() == 41


def test_the_inbox_shows_the_reply_day(world, login, fake_clock):
    fake_clock.set(MONDAY)
    public_request(world)
    MembershipFactory(organisation=world.site, role=Role.SITE_MANAGER)
    page = login(world.manager).get(reverse("referrals:inbox")).content.decode()
    assert "Réponse attendue le 9 décembre 2026" in page


def test_the_inbox_filters_the_help_requests(world, login, fake_clock):
    fake_clock.set(MONDAY)
    request = public_request(world)
    sent = perform(t.SUBMIT, world, world.referral(first_name="Partenaire"))
    page = login(world.manager).get(reverse("referrals:inbox"), {"source": "public_request"})
    text = page.content.decode()
    assert request.reference in text and sent.reference not in text
