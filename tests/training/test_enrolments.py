"""Enrolment in a cohort: seats, the waiting list in order, moving up, drop-out, the
referral's session appointment (outside the booking capacity, no appointment reminder),
the programme's modules, and two enrolments racing for the last seat (PostgreSQL)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.notifications.test_concurrency import run_together
from tests.referrals.factories import AppointmentFactory
from tests.training.enrolment_world import build_team
from tests.training.factories import EnrolmentFactory
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.learning.models import ModuleAssignment
from tisser.notifications.models import Notification
from tisser.referrals import booking
from tisser.referrals.enums import AppointmentKind, AppointmentStatus, ReferralStatus
from tisser.referrals.models import Appointment, ReferralEvent
from tisser.referrals.reminders import send_appointment_reminders
from tisser.training.enrolments import (
    cohort_fill_seats,
    enrol_file,
    enrol_from_referral,
    enrolment_drop,
)
from tisser.training.enums import DropReason, EnrolmentStatus
from tisser.training.models import Enrolment

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


@pytest.fixture
def team(site, network):
    return build_team(site, network)


def person(team):
    return BeneficiaryFactory(site=team.site)


def modules_of(beneficiary):
    return list(
        ModuleAssignment.objects.filter(beneficiary=beneficiary, withdrawn_at__isnull=True)
        .order_by("position")
        .values_list("module_key", flat=True)
    )


def actions(enrolment):
    return list(
        JournalEntry.objects.filter(object_type="training.enrolment", object_id=str(enrolment.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- seats and the waiting list -------------------------------------------------------------


@pytest.mark.django_db
def test_a_free_seat_enrols_and_gives_the_programme_modules(team):
    file = person(team)
    enrolment = enrol_file(actor=team.mediator, cohort=team.cohort, beneficiary=file)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert enrolment.enrolled_at is not None and enrolment.waiting_since is None
    # The union of the plan's modules, in the plan's order, each once.
    assert modules_of(file) == ["mail-envoyer", "mail-joindre"]
    assert actions(enrolment) == ["training.enrolled"]
    assert JournalEntry.objects.filter(
        action="learning.assigned", actor=team.mediator.user
    ).exists()


@pytest.mark.django_db
def test_a_full_cohort_puts_newcomers_on_the_waiting_list_in_order(team, fake_clock):
    fake_clock.set(timezone.now())
    enrolled = [
        enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=person(team))
        for _ in range(2)
    ]
    waiting = []
    for _ in range(3):
        fake_clock.advance(minutes=5)
        waiting.append(enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=person(team)))
    assert {e.status for e in enrolled} == {EnrolmentStatus.ENROLLED}
    assert [e.status for e in waiting] == [EnrolmentStatus.WAITING] * 3
    assert [e.enrolled_at for e in waiting] == [None] * 3
    assert waiting[0].waiting_since < waiting[1].waiting_since < waiting[2].waiting_since
    # Nobody waiting gets the modules before having a seat.
    assert modules_of(waiting[0].beneficiary) == []
    assert actions(waiting[0]) == ["training.waiting_listed"]


@pytest.mark.django_db
def test_a_drop_out_moves_the_first_waiting_person_up(team, fake_clock):
    fake_clock.set(timezone.now())
    first, second = (
        enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=person(team))
        for _ in range(2)
    )
    fake_clock.advance(minutes=1)
    early = enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=person(team))
    fake_clock.advance(minutes=1)
    late = enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=person(team))

    fake_clock.advance(minutes=1)
    dropped = enrolment_drop(
        actor=team.mediator, enrolment=second, reason=DropReason.JOB, note="CDI en janvier"
    )
    assert dropped.status == EnrolmentStatus.DROPPED
    assert (dropped.drop_reason, dropped.drop_note) == (DropReason.JOB, "CDI en janvier")
    assert dropped.dropped_on == timezone.localdate(fake_clock.moment)
    early.refresh_from_db()
    late.refresh_from_db()
    assert early.status == EnrolmentStatus.ENROLLED
    assert early.enrolled_at == fake_clock.moment
    assert late.status == EnrolmentStatus.WAITING
    # Moving up gives what a direct enrolment gives, by the member who noted the drop-out.
    assert modules_of(early.beneficiary) == ["mail-envoyer", "mail-joindre"]
    assert ModuleAssignment.objects.filter(
        beneficiary=early.beneficiary, assigned_by=team.mediator.user
    ).exists()
    assert actions(early) == ["training.waiting_listed", "training.moved_up"]
    assert actions(second) == ["training.enrolled", "training.dropped"]
    assert Enrolment.objects.filter(cohort=team.cohort, status="enrolled").count() == 2
    assert first.pk != early.pk


@pytest.mark.django_db
def test_leaving_the_waiting_list_moves_nobody_up(team):
    for _ in range(2):
        enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=person(team))
    waiting = enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=person(team))
    other = enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=person(team))
    enrolment_drop(actor=team.manager, enrolment=waiting, reason=DropReason.MOVED)
    other.refresh_from_db()
    assert other.status == EnrolmentStatus.WAITING


@pytest.mark.django_db
def test_a_larger_capacity_gives_the_free_seats_to_the_people_waiting_first(team):
    for _ in range(3):
        enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=person(team))
    waiting = Enrolment.objects.get(cohort=team.cohort, status="waiting")
    team.cohort.capacity = 4
    team.cohort.save(update_fields=["capacity"])
    newcomer = enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=person(team))
    waiting.refresh_from_db()
    assert waiting.status == newcomer.status == EnrolmentStatus.ENROLLED
    assert waiting.enrolled_at <= newcomer.enrolled_at
    team.cohort.capacity = 5
    team.cohort.save(update_fields=["capacity"])
    assert cohort_fill_seats(actor=team.manager, cohort=team.cohort) == []


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_refusals_change_nothing(team, other_site):
    file = person(team)
    with pytest.raises(DomainError, match="rôle"):
        enrol_file(actor=team.volunteer, cohort=team.cohort, beneficiary=file)
    with pytest.raises(DomainError, match="pas suivi par l'espace"):
        enrol_file(
            actor=team.admin,
            cohort=team.cohort,
            beneficiary=BeneficiaryFactory(site=other_site),
        )
    merged = BeneficiaryFactory(site=team.site, merged_into=file)
    with pytest.raises(DomainError, match="fusionné"):
        enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=merged)
    enrolment = enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=file)
    with pytest.raises(DomainError, match="déjà inscrite"):
        enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=file)
    with pytest.raises(DomainError, match="motif"):
        enrolment_drop(actor=team.manager, enrolment=enrolment, reason="bored")
    with pytest.raises(DomainError, match="futur"):
        enrolment_drop(
            actor=team.manager,
            enrolment=enrolment,
            reason=DropReason.OTHER,
            on=timezone.localdate() + datetime.timedelta(days=1),
        )
    with pytest.raises(DomainError, match="rôle"):
        enrolment_drop(actor=team.volunteer, enrolment=enrolment, reason=DropReason.OTHER)
    team.cohort.cancelled_at = timezone.now()
    team.cohort.save(update_fields=["cancelled_at"])
    with pytest.raises(DomainError, match="annulé"):
        enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=person(team))
    assert Enrolment.objects.filter(cohort=team.cohort).count() == 1
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED


@pytest.mark.django_db
def test_a_dropped_person_may_be_enrolled_again(team):
    file = person(team)
    enrolment = enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=file)
    enrolment_drop(actor=team.manager, enrolment=enrolment, reason=DropReason.HEALTH)
    with pytest.raises(DomainError, match="déjà noté"):
        enrolment_drop(actor=team.manager, enrolment=enrolment, reason=DropReason.HEALTH)
    again = enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=file)
    assert again.status == EnrolmentStatus.ENROLLED


# --- from a referral: the file and the session appointment ----------------------------------


@pytest.mark.django_db
def test_a_referral_enrolment_makes_the_file_and_the_first_session_its_appointment(team):
    referral = team.accepted_referral()
    individual = Appointment.objects.get(referral=referral)
    enrolment = enrol_from_referral(actor=team.mediator, cohort=team.cohort, referral=referral)
    referral.refresh_from_db()
    # The file is made from the referral, as when the person comes; the referral waits.
    assert referral.beneficiary is not None
    assert enrolment.beneficiary == referral.beneficiary
    assert enrolment.referral == referral
    assert referral.beneficiary.first_name == referral.first_name
    assert referral.status == ReferralStatus.ACCEPTED
    individual.refresh_from_db()
    assert individual.status == AppointmentStatus.REBOOKED
    session = Appointment.objects.get(referral=referral, status=AppointmentStatus.PLANNED)
    assert session.kind == AppointmentKind.SESSION
    assert (session.starts_at, session.ends_at) == (team.first.starts_at, team.first.ends_at)
    assert session.site_id == team.site.pk
    assert session.place.startswith("Salle 2")
    assert session.beneficiary == referral.beneficiary
    event = ReferralEvent.objects.filter(referral=referral).latest("pk")
    assert (event.from_status, event.to_status) == ("accepted", "accepted")
    assert "Inscrit au programme" in event.note
    assert modules_of(enrolment.beneficiary) == ["mail-envoyer", "mail-joindre"]


@pytest.mark.django_db
def test_the_first_session_to_come_is_the_appointment(team, fake_clock):
    # The first session is over: the appointment is the next one.
    fake_clock.set(team.first.ends_at + datetime.timedelta(hours=1))
    referral = team.accepted_referral()
    enrol_from_referral(actor=team.manager, cohort=team.cohort, referral=referral)
    session = Appointment.objects.get(referral=referral, status=AppointmentStatus.PLANNED)
    assert session.starts_at == team.second.starts_at


@pytest.mark.django_db
def test_only_an_accepted_referral_of_the_cohort_site_enrols(team, other_site):
    submitted = team.accepted_referral()
    submitted.status = ReferralStatus.SUBMITTED
    submitted.save(update_fields=["status"])
    with pytest.raises(DomainError, match="seul un bon accepté"):
        enrol_from_referral(actor=team.manager, cohort=team.cohort, referral=submitted)
    elsewhere = team.accepted_referral()
    elsewhere.site = other_site
    elsewhere.save(update_fields=["site"])
    with pytest.raises(DomainError, match="autre espace"):
        enrol_from_referral(actor=team.admin, cohort=team.cohort, referral=elsewhere)
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_a_session_appointment_is_outside_the_individual_capacity(team):
    team.site.appointment_capacity = 1
    team.site.save(update_fields=["appointment_capacity"])
    referral = team.accepted_referral()
    enrol_from_referral(actor=team.manager, cohort=team.cohort, referral=referral)
    start, end = team.first.starts_at, team.first.ends_at
    assert not booking.overlapping(team.site, start, end).exists()
    AppointmentFactory(site=team.site, starts_at=start, walk_in_name="Awa")
    assert booking.overlapping(team.site, start, end).count() == 1


@pytest.mark.django_db
def test_a_session_appointment_gets_no_appointment_reminder(
    team, django_capture_on_commit_callbacks
):
    referral = team.accepted_referral()
    enrol_from_referral(actor=team.manager, cohort=team.cohort, referral=referral)
    evening = timezone.localtime(team.first.starts_at).replace(hour=17) - datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=False):
        summary = send_appointment_reminders(evening)
    assert summary["reminders"] == 0
    assert not Notification.objects.filter(template="appointment_reminder_person").exists()


@pytest.mark.django_db
def test_a_drop_out_cancels_the_planned_session_appointment(team):
    referral = team.accepted_referral()
    enrolment = enrol_from_referral(actor=team.manager, cohort=team.cohort, referral=referral)
    enrolment_drop(actor=team.manager, enrolment=enrolment, reason=DropReason.TRAINING)
    session = Appointment.objects.get(referral=referral, kind=AppointmentKind.SESSION)
    assert session.status == AppointmentStatus.CANCELLED
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert not Appointment.objects.filter(referral=referral, status="planned").exists()


@pytest.mark.django_db
def test_a_referral_person_moving_up_gets_the_session_appointment(team):
    for _ in range(2):
        enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=person(team))
    referral = team.accepted_referral()
    waiting = enrol_from_referral(actor=team.manager, cohort=team.cohort, referral=referral)
    assert waiting.status == EnrolmentStatus.WAITING
    # Waiting: the individual appointment stays as it was.
    assert Appointment.objects.get(referral=referral, status="planned").kind == "individual"
    leaving = Enrolment.objects.filter(cohort=team.cohort, status="enrolled").first()
    enrolment_drop(actor=team.manager, enrolment=leaving, reason=DropReason.FAMILY)
    planned = Appointment.objects.get(referral=referral, status="planned")
    assert planned.kind == AppointmentKind.SESSION
    assert planned.starts_at == team.first.starts_at


@pytest.mark.django_db
def test_a_cohort_without_a_session_to_come_enrols_without_appointment(site, network):
    past = timezone.now() - datetime.timedelta(days=10)
    team = build_team(site, network, start=past)
    referral = team.accepted_referral()
    enrolment = enrol_from_referral(actor=team.manager, cohort=team.cohort, referral=referral)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert Appointment.objects.get(referral=referral, status="planned").kind == "individual"


@pytest.mark.django_db
def test_a_factory_enrolment_counts_as_a_taken_seat(team):
    EnrolmentFactory(cohort=team.cohort, referral=None)
    EnrolmentFactory(cohort=team.cohort, referral=None)
    assert (
        enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=person(team)).status
        == EnrolmentStatus.WAITING
    )


# --- two enrolments racing for the last seat (PostgreSQL row locks) -------------------------


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_enrolments_racing_for_the_last_seat_give_one_seat_and_one_wait(site, network):
    team = build_team(site, network, capacity=1)
    people = [person(team), person(team)]
    turn = iter(range(2))

    def attempt():
        index = next(turn)
        return enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=people[index]).status

    results = run_together(attempt, count=2)
    assert sorted(results) == [EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING]
    assert Enrolment.objects.filter(cohort=team.cohort, status="enrolled").count() == 1
    assert Enrolment.objects.filter(cohort=team.cohort, status="waiting").count() == 1


# --- the person is told of their seat -------------------------------------------------------


@pytest.mark.django_db
def test_the_person_is_told_of_their_seat_once_and_when_moving_up(
    team, django_capture_on_commit_callbacks
):
    from tisser.notifications import sms

    sms.outbox.clear()
    people = [BeneficiaryFactory(site=team.site, phone=f"+3361200000{n}") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        first, _second, waiting = (
            enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=file) for file in people
        )
    told = Notification.objects.filter(template="training_enrolled_person")
    assert sorted(told.values_list("subject_id", flat=True)) == sorted([first.pk, _second.pk])
    (text, _other) = [message.text for message in sms.outbox]
    assert team.cohort.programme.name in text and "Salle 2" in text and "1re séance" in text
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_drop(actor=team.manager, enrolment=first, reason=DropReason.JOB)
    assert told.filter(subject_id=waiting.pk).count() == 1
    assert sms.outbox[-1].to == "+33612000002"
    sms.outbox.clear()
