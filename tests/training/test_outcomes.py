"""Six months later (issue 15, helper S): one outcome invitation per enrolment or period,
sent by the daily job on the day, never twice, never to an address that opted out or a
merged file; the answers and the three shares."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.beneficiaries.factories import AccompanimentPeriodFactory, BeneficiaryFactory
from tests.training.factories import CohortFactory, EnrolmentFactory, SurveyResponseFactory
from tisser.beneficiaries.enums import ContactChannel, PeriodCloseReason
from tisser.core import scheduler
from tisser.notifications import sms
from tisser.notifications.models import Channel, OptOut
from tisser.training import survey_selectors
from tisser.training.enums import OUTCOME_AFTER_DAYS, EnrolmentStatus, SurveyKind
from tisser.training.models import SurveyInvitation, SurveyResponse
from tisser.training.outcomes import send_outcome_invitations
from tisser.training.survey_services import survey_token

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MORNING = datetime.datetime(2027, 3, 22, 10, 30, tzinfo=PARIS)
TODAY = MORNING.date()
SIX_MONTHS_AGO = TODAY - datetime.timedelta(days=OUTCOME_AFTER_DAYS)


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _person(site, n=0, **kwargs):
    return BeneficiaryFactory(site=site, phone=f"+3361122334{n}", **kwargs)


def _cohort_closed_on(site, day, people=1):
    cohort = CohortFactory(site=site, closed_on=day)
    return [EnrolmentFactory(cohort=cohort, beneficiary=_person(site, n)) for n in range(people)]


def _period_closed_on(site, day, reason=PeriodCloseReason.AUTONOMOUS, **person):
    return AccompanimentPeriodFactory(
        site=site,
        beneficiary=_person(site, 9, **person),
        opened_on=day - datetime.timedelta(days=60),
        closed_on=day,
        close_reason=reason,
    )


def test_six_months_after_the_end_the_job_sends_one_sms_per_person_once(
    site, django_capture_on_commit_callbacks
):
    due = _cohort_closed_on(site, SIX_MONTHS_AGO, people=2)
    _cohort_closed_on(site, SIX_MONTHS_AGO + datetime.timedelta(days=1))  # not yet
    period = _period_closed_on(site, SIX_MONTHS_AGO)
    job = {job.name: job for job in scheduler.registered_jobs()}["training.outcome_invitations"]
    with django_capture_on_commit_callbacks(execute=True):
        first = scheduler.run_job(job, now=MORNING, slot=MORNING)
        again = scheduler.run_job(job, now=MORNING + datetime.timedelta(hours=1), slot=MORNING)
    assert first.error == again.error == ""
    outcome = SurveyInvitation.objects.filter(kind=SurveyKind.OUTCOME)
    assert {i.enrolment for i in outcome if i.enrolment} == set(due)
    assert [i.period for i in outcome if i.period] == [period]
    assert len(sms.outbox) == 3
    assert all("3 questions" in message.text and "/avis/" in message.text for message in sms.outbox)
    # The next days, nobody is asked again; the cohort closed a day later, on its own day.
    later = [
        send_outcome_invitations(MORNING + datetime.timedelta(days=days))["invitations"]
        for days in range(1, 40)
    ]
    assert later[0] == 1 and sum(later) == 1
    assert SurveyInvitation.objects.filter(kind=SurveyKind.OUTCOME).count() == 4


def test_a_day_the_job_did_not_run_is_caught_up_but_not_forever(site):
    _cohort_closed_on(site, SIX_MONTHS_AGO - datetime.timedelta(days=3))
    _cohort_closed_on(site, SIX_MONTHS_AGO - datetime.timedelta(days=90))
    assert send_outcome_invitations(MORNING)["invitations"] == 1


def test_the_satisfaction_invitation_does_not_stand_for_the_outcome_one(site):
    [enrolment] = _cohort_closed_on(site, SIX_MONTHS_AGO)
    SurveyInvitation.objects.create(
        kind=SurveyKind.SATISFACTION,
        site=site,
        beneficiary=enrolment.beneficiary,
        enrolment=enrolment,
        token_hash="a" * 64,
        expires_at=timezone.now(),
    )
    assert send_outcome_invitations(MORNING)["invitations"] == 1


def test_an_address_that_opted_out_gets_nothing(site):
    [enrolment] = _cohort_closed_on(site, SIX_MONTHS_AGO)
    OptOut.objects.create(channel=Channel.SMS, address=enrolment.beneficiary.phone)
    by_email = _period_closed_on(
        site,
        SIX_MONTHS_AGO,
        email="awa@example.org",
        preferred_channel=ContactChannel.EMAIL,
    )
    OptOut.objects.create(channel=Channel.EMAIL, address="awa@example.org")
    assert send_outcome_invitations(MORNING) == {"invitations": 0, "not_reachable": 2}
    assert not SurveyInvitation.objects.filter(period=by_email).exists()
    assert not SurveyInvitation.objects.exists()


def test_merged_files_dropped_people_and_idle_periods_get_nothing(site):
    cohort = CohortFactory(site=site, closed_on=SIX_MONTHS_AGO)
    EnrolmentFactory(
        cohort=cohort,
        beneficiary=_person(site, 1, merged_into=_person(site, 2)),
    )
    EnrolmentFactory(
        cohort=cohort,
        beneficiary=_person(site, 3),
        status=EnrolmentStatus.DROPPED,
        dropped_on=SIX_MONTHS_AGO,
        drop_reason="job",
    )
    _period_closed_on(site, SIX_MONTHS_AGO, reason=PeriodCloseReason.UNREACHABLE)
    assert send_outcome_invitations(MORNING)["invitations"] == 0


def test_the_three_answers_and_their_shares(client, site, network_admin):
    [enrolment] = _cohort_closed_on(site, SIX_MONTHS_AGO)
    send_outcome_invitations(MORNING)
    invitation = SurveyInvitation.objects.get(kind=SurveyKind.OUTCOME)
    url = reverse("surveys:answer", kwargs={"token": survey_token(invitation)})
    data = {"anonymous": "1"}
    client.post(url, data)
    for code, value in (("situation", "emploi"), ("numerique_seul", "oui")):
        data[f"q_{code}"] = value
        assert "Merci" not in client.post(url, data).content.decode()
    data["q_demarche_seul"] = "non"
    assert "Merci" in client.post(url, data).content.decode()
    saved = SurveyResponse.objects.get()
    assert saved.kind == SurveyKind.OUTCOME and saved.overall is None
    assert saved.cohort == enrolment.cohort and saved.beneficiary is None
    SurveyResponseFactory(
        site=site,
        kind=SurveyKind.OUTCOME,
        overall=None,
        answers={"situation": "non", "numerique_seul": "parfois", "demarche_seul": "oui"},
    )
    shares = survey_selectors.outcome_shares(membership=network_admin)
    assert shares["responses"] == 2
    assert str(shares["situation_rate"]) == "0.5000"
    assert str(shares["numerique_seul_rate"]) == "0.5000"
    assert str(shares["demarche_seul_rate"]) == "0.5000"
    assert survey_selectors.outcome_shares(membership=None)["responses"] == 0
