"""Joining programmes, roll call and enrolment (helper G): the referral's session appointment
follows the cohort, larger capacities move the waiting list up, the cohort page leads on."""

import datetime

import pytest
from django.urls import reverse

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.training.enrolment_world import build_team
from tisser.beneficiaries.models import AccompanimentPeriod
from tisser.referrals.enums import AppointmentKind, AppointmentStatus, ReferralStatus
from tisser.referrals.models import Appointment, ReferralEvent
from tisser.training.cohorts import cohort_cancel, cohort_update, session_move
from tisser.training.enrolments import enrol_file, enrol_from_referral, enrolment_drop
from tisser.training.enums import AttendanceStatus as S
from tisser.training.enums import DropReason, EnrolmentStatus
from tisser.training.hours import cohort_hours
from tisser.training.models import Enrolment
from tisser.training.roll_call import Mark, roll_call_record, session_enrolments


@pytest.fixture
def team(site, network):
    return build_team(site, network, capacity=2)


def enrolled_referral(team, actor=None):
    referral = team.accepted_referral()
    enrolment = enrol_from_referral(
        actor=actor or team.mediator, cohort=team.cohort, referral=referral
    )
    return referral, enrolment


def session_appointments(referral):
    return list(
        Appointment.objects.filter(referral=referral, kind=AppointmentKind.SESSION)
        .order_by("pk")
        .values_list("status", flat=True)
    )


def call(team, session, actor, **marks):
    return roll_call_record(
        actor=actor,
        session=session,
        marks={pk: mark if isinstance(mark, Mark) else Mark(mark) for pk, mark in marks.items()},
    )


def marks_for(session, **by_enrolment):
    return {e.pk: by_enrolment.get(str(e.pk), S.PRESENT) for e in session_enrolments(session)}


# --- 1. the roll call says whether the referral's person came -------------------------------


@pytest.mark.django_db
def test_present_at_the_session_consumes_the_referral_and_opens_the_period(team, fake_clock):
    referral, enrolment = enrolled_referral(team)
    fake_clock.set(team.first.starts_at + datetime.timedelta(minutes=30))
    roll_call_record(
        actor=team.mediator,
        session=team.first,
        marks={enrolment.pk: Mark(S.LATE, 15)},
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONSUMED
    assert session_appointments(referral) == [AppointmentStatus.CAME]
    assert AccompanimentPeriod.objects.filter(
        beneficiary=enrolment.beneficiary, closed_on__isnull=True
    ).exists()


@pytest.mark.django_db
def test_absent_is_a_no_show_and_a_correction_to_present_consumes_it(team, fake_clock):
    referral, enrolment = enrolled_referral(team)
    fake_clock.set(team.first.starts_at + datetime.timedelta(minutes=30))
    roll_call_record(actor=team.mediator, session=team.first, marks={enrolment.pk: Mark(S.ABSENT)})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert session_appointments(referral) == [AppointmentStatus.NO_SHOW]
    events = ReferralEvent.objects.filter(referral=referral).count()
    # Taken again unchanged: nothing moves.
    roll_call_record(actor=team.mediator, session=team.first, marks={enrolment.pk: Mark(S.ABSENT)})
    assert ReferralEvent.objects.filter(referral=referral).count() == events
    # Corrected: the missed appointment is « venu », the referral consumed.
    roll_call_record(actor=team.mediator, session=team.first, marks={enrolment.pk: Mark(S.PRESENT)})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONSUMED
    assert session_appointments(referral) == [AppointmentStatus.CAME]
    # Corrected back to absent: a consumed referral has no way back.
    roll_call_record(actor=team.mediator, session=team.first, marks={enrolment.pk: Mark(S.ABSENT)})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONSUMED


@pytest.mark.django_db
def test_excused_is_a_no_show_and_a_later_session_consumes_without_rebooking(team, fake_clock):
    referral, enrolment = enrolled_referral(team)
    fake_clock.set(team.first.starts_at + datetime.timedelta(minutes=30))
    roll_call_record(actor=team.mediator, session=team.first, marks={enrolment.pk: Mark(S.EXCUSED)})
    assert session_appointments(referral) == [AppointmentStatus.NO_SHOW]
    fake_clock.set(team.second.starts_at + datetime.timedelta(minutes=30))
    roll_call_record(
        actor=team.mediator, session=team.second, marks={enrolment.pk: Mark(S.PRESENT)}
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONSUMED
    # No new appointment was booked for the second session.
    assert session_appointments(referral) == [AppointmentStatus.CAME]


@pytest.mark.django_db
def test_absent_at_another_session_leaves_the_appointment_planned(team, fake_clock):
    # Enrolled once the first session is over: the appointment is the second session.
    fake_clock.set(team.first.starts_at + datetime.timedelta(minutes=30))
    referral, enrolment = enrolled_referral(team)
    roll_call_record(actor=team.mediator, session=team.first, marks={enrolment.pk: Mark(S.ABSENT)})
    assert session_appointments(referral) == [AppointmentStatus.PLANNED]
    # Present at the first session: not « venu » before the appointment's day either.
    roll_call_record(actor=team.mediator, session=team.first, marks={enrolment.pk: Mark(S.PRESENT)})
    assert session_appointments(referral) == [AppointmentStatus.PLANNED]


@pytest.mark.django_db
def test_a_volunteer_trainer_roll_call_leaves_the_referral_to_the_team(team, fake_clock):
    team.cohort.trainers.add(team.volunteer.user)
    referral, enrolment = enrolled_referral(team)
    fake_clock.set(team.first.starts_at + datetime.timedelta(minutes=30))
    roll_call_record(
        actor=team.volunteer, session=team.first, marks={enrolment.pk: Mark(S.PRESENT)}
    )
    assert session_appointments(referral) == [AppointmentStatus.PLANNED]
    roll_call_record(actor=team.mediator, session=team.first, marks={enrolment.pk: Mark(S.PRESENT)})
    assert session_appointments(referral) == [AppointmentStatus.CAME]


# --- 2. moving a session moves the appointment; cancelling the cohort cancels it -------------


@pytest.mark.django_db
def test_moving_the_session_moves_its_planned_appointment(team):
    referral, _enrolment = enrolled_referral(team)
    new_start = team.first.starts_at + datetime.timedelta(hours=4)
    moved = session_move(actor=team.mediator, session=team.first, new_start=new_start)
    planned = Appointment.objects.get(referral=referral, status=AppointmentStatus.PLANNED)
    assert planned.kind == AppointmentKind.SESSION
    assert (planned.starts_at, planned.ends_at) == (moved.starts_at, moved.ends_at)
    assert session_appointments(referral) == [AppointmentStatus.REBOOKED, AppointmentStatus.PLANNED]


@pytest.mark.django_db
def test_moving_another_session_leaves_the_appointment(team):
    referral, _enrolment = enrolled_referral(team)
    session_move(
        actor=team.mediator,
        session=team.second,
        new_start=team.second.starts_at + datetime.timedelta(hours=4),
    )
    planned = Appointment.objects.get(referral=referral, status=AppointmentStatus.PLANNED)
    assert planned.starts_at == team.first.starts_at


@pytest.mark.django_db
def test_cancelling_the_cohort_cancels_the_session_appointments(team):
    referral, _enrolment = enrolled_referral(team)
    cohort_cancel(actor=team.manager, cohort=team.cohort)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert session_appointments(referral) == [AppointmentStatus.CANCELLED]


# --- 3. more seats move the waiting list up -------------------------------------------------


@pytest.mark.django_db
def test_a_larger_capacity_moves_the_people_waiting_up(team):
    people = [
        enrol_file(
            actor=team.mediator, cohort=team.cohort, beneficiary=BeneficiaryFactory(site=team.site)
        )
        for _ in range(4)
    ]
    assert [p.status for p in people] == [EnrolmentStatus.ENROLLED] * 2 + [
        EnrolmentStatus.WAITING
    ] * 2
    cohort_update(
        actor=team.mediator,
        cohort=team.cohort,
        name=team.cohort.name,
        trainer_ids=[],
        room=team.cohort.room,
        capacity=3,
    )
    statuses = [Enrolment.objects.get(pk=p.pk).status for p in people]
    assert statuses == [EnrolmentStatus.ENROLLED] * 3 + [EnrolmentStatus.WAITING]


# --- 5. who is called -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_roll_call_lists_the_enrolled_and_keeps_later_drop_outs(team, fake_clock):
    fake_clock.set(team.first.starts_at - datetime.timedelta(days=1))
    stays, leaves, waits, leaves_the_list = (
        enrol_file(
            actor=team.mediator, cohort=team.cohort, beneficiary=BeneficiaryFactory(site=team.site)
        )
        for _ in range(4)
    )
    fake_clock.set(team.first.starts_at + datetime.timedelta(minutes=30))
    assert {e.pk for e in session_enrolments(team.first)} == {stays.pk, leaves.pk}
    roll_call_record(
        actor=team.mediator,
        session=team.first,
        marks={stays.pk: Mark(S.PRESENT), leaves.pk: Mark(S.PRESENT)},
    )
    fake_clock.set(team.first.ends_at + datetime.timedelta(days=1))
    enrolment_drop(actor=team.mediator, enrolment=leaves_the_list, reason=DropReason.HEALTH)
    enrolment_drop(actor=team.mediator, enrolment=leaves, reason=DropReason.HEALTH)
    # The seat freed went to the first person waiting.
    waits.refresh_from_db()
    assert waits.status == EnrolmentStatus.ENROLLED
    called = {e.pk for e in session_enrolments(team.first)}
    # The drop-out keeps the session they attended; the list's leaver was never called.
    assert leaves.pk in called
    assert leaves_the_list.pk not in called
    assert {e.pk for e in session_enrolments(team.second)} == {stays.pk, waits.pk}


# --- 4. the cohort page leads on ------------------------------------------------------------


@pytest.mark.django_db
def test_the_cohort_page_offers_to_end_the_group_once_every_session_is_called(
    team, fake_clock, login
):
    for _ in range(3):
        enrol_file(
            actor=team.mediator, cohort=team.cohort, beneficiary=BeneficiaryFactory(site=team.site)
        )
    client = login(team.mediator)
    url = reverse("training:cohort_detail", kwargs={"pk": team.cohort.pk})
    page = client.get(url).content.decode()
    assert reverse("training:cohort_enrolments", kwargs={"pk": team.cohort.pk}) in page
    assert "2 inscrits sur 2 places" in page
    assert "1 personne en liste d'attente" in page
    assert "Toutes les séances ont eu leur appel" not in page
    for session in (team.first, team.second):
        fake_clock.set(session.starts_at + datetime.timedelta(minutes=30))
        roll_call_record(
            actor=team.mediator,
            session=session,
            marks={e.pk: Mark(S.PRESENT) for e in session_enrolments(session)},
        )
    page = client.get(url).content.decode()
    assert "Toutes les séances ont eu leur appel" in page
    assert page.count("Terminer le groupe") == 1
    closed = client.post(reverse("training:cohort_close", kwargs={"pk": team.cohort.pk}))
    assert closed.status_code == 302
    team.cohort.refresh_from_db()
    assert team.cohort.closed_on is not None
    assert "Toutes les séances ont eu leur appel" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_enrolments_page_links_back_to_the_cohort(team, login):
    client = login(team.mediator)
    page = client.get(reverse("training:cohort_enrolments", kwargs={"pk": team.cohort.pk}))
    assert reverse("training:cohort_detail", kwargs={"pk": team.cohort.pk}) in page.content.decode()


@pytest.mark.django_db
def test_the_hours_list_leaves_out_who_only_waited(team):
    seated = [
        enrol_file(
            actor=team.mediator, cohort=team.cohort, beneficiary=BeneficiaryFactory(site=team.site)
        )
        for _ in range(3)
    ]
    enrolment_drop(actor=team.mediator, enrolment=seated[2], reason=DropReason.MOVED)
    assert {h.enrolment.pk for h in cohort_hours(team.cohort)} == {seated[0].pk, seated[1].pk}
