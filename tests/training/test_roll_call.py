"""The roll call of a programme session and of a workshop (helper R)."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from tests.accounts.factories import MembershipFactory, SiteFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.helpers import run_together
from tests.training.factories import WorkshopFactory, WorkshopRegistrationFactory
from tests.training.roll_helpers import AFTER, DURING, SESSION_START, a_class
from tisser.accounts.enums import Role
from tisser.activities.models import Activity, Participation
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.training.enums import AttendanceStatus as S
from tisser.training.enums import RegistrationStatus
from tisser.training.models import Attendance, CohortSession
from tisser.training.roll_call import Mark, roll_call_record, workshop_roll_call_record

pytestmark = pytest.mark.django_db


def marks(group, *statuses):
    return {
        enrolment.pk: (status if isinstance(status, Mark) else Mark(status))
        for enrolment, status in zip(group.enrolments, statuses, strict=True)
    }


def test_the_roll_call_writes_attendance_and_one_collective_record():
    group = a_class()
    with clock.frozen_at(DURING):
        result = roll_call_record(
            actor=group.mediator,
            session=group.session,
            marks=marks(group, S.PRESENT, Mark(S.LATE, 20), S.ABSENT),
        )
    assert (result.present, result.late, result.excused, result.absent) == (1, 1, 0, 1)
    rows = {a.enrolment_id: a for a in Attendance.objects.all()}
    assert rows[group.enrolments[1].pk].minutes_missed == 20
    assert rows[group.enrolments[2].pk].status == S.ABSENT
    session = CohortSession.objects.get(pk=group.session.pk)
    assert session.roll_call_at == DURING
    activity = Activity.objects.get()
    assert session.activity_id == activity.pk
    assert activity.kind == "collectif"
    assert activity.date == datetime.date(2026, 3, 2)
    assert activity.duration_minutes == 240
    assert activity.place_type == "lieu_activite"
    assert activity.themes == ["navigation_sur_internet", "insertion_professionnelle"]
    assert activity.workshop_name == f"{group.cohort.programme.name} — Mon CV en ligne"
    assert activity.workshop_level == "debutant"
    assert activity.site_id == group.site.pk
    assert activity.participant_count == 2
    assert set(Participation.objects.values_list("beneficiary_id", flat=True)) == {
        group.enrolments[0].beneficiary_id,
        group.enrolments[1].beneficiary_id,
    }
    assert JournalEntry.objects.filter(action="training.roll_call_taken").count() == 1
    assert JournalEntry.objects.filter(action="activity.created").count() == 1


def test_taking_it_again_updates_the_same_rows_and_record():
    group = a_class()
    with clock.frozen_at(DURING):
        roll_call_record(
            actor=group.mediator,
            session=group.session,
            marks=marks(group, S.PRESENT, S.ABSENT, S.ABSENT),
        )
    first = Activity.objects.get()
    with clock.frozen_at(AFTER):
        roll_call_record(
            actor=group.manager,
            session=group.session,
            marks=marks(group, S.PRESENT, Mark(S.LATE, 45), S.EXCUSED),
        )
    assert Attendance.objects.count() == 3
    assert Activity.objects.get().pk == first.pk
    assert Activity.objects.get().participant_count == 2
    late = Attendance.objects.get(enrolment=group.enrolments[1])
    assert (late.status, late.minutes_missed, late.recorded_by_id) == (
        S.LATE,
        45,
        group.manager.user_id,
    )
    assert JournalEntry.objects.filter(action="training.roll_call_retaken").count() == 1
    assert JournalEntry.objects.filter(action="activity.updated").count() == 1


def test_nobody_came_removes_the_record_and_a_later_correction_makes_a_new_one():
    group = a_class()
    with clock.frozen_at(DURING):
        roll_call_record(
            actor=group.mediator,
            session=group.session,
            marks=marks(group, S.PRESENT, S.ABSENT, S.ABSENT),
        )
        roll_call_record(
            actor=group.mediator,
            session=group.session,
            marks=marks(group, S.ABSENT, S.EXCUSED, S.ABSENT),
        )
        assert not Activity.objects.exists()
        session = CohortSession.objects.get(pk=group.session.pk)
        assert session.activity_id is None and session.roll_call_at == DURING
        assert JournalEntry.objects.filter(action="activity.deleted").count() == 1
        roll_call_record(
            actor=group.mediator,
            session=group.session,
            marks=marks(group, S.ABSENT, S.PRESENT, S.ABSENT),
        )
    assert Activity.objects.get().participant_count == 1


def test_a_future_session_is_refused_in_french():
    group = a_class()
    too_early = clock.frozen_at(SESSION_START - datetime.timedelta(minutes=5))
    with too_early, pytest.raises(DomainError, match="pas encore commencé"):
        roll_call_record(
            actor=group.mediator,
            session=group.session,
            marks=marks(group, S.PRESENT, S.PRESENT, S.PRESENT),
        )
    assert not Attendance.objects.exists() and not Activity.objects.exists()


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda g: marks(g, S.PRESENT, S.PRESENT), "chaque personne"),
        (lambda g: marks(g, S.PRESENT, Mark(S.LATE, 0), S.PRESENT), "minutes manquées"),
        (lambda g: marks(g, S.PRESENT, Mark(S.LATE, 240), S.PRESENT), "minutes manquées"),
        (lambda g: marks(g, S.PRESENT, Mark("maybe"), S.PRESENT), "Choisissez"),
    ],
)
def test_every_person_gets_a_valid_mark(bad, message):
    group = a_class()
    group.enrolments = group.enrolments[:2] if "chaque" in message else group.enrolments
    with clock.frozen_at(DURING), pytest.raises(DomainError, match=message):
        roll_call_record(actor=group.mediator, session=group.session, marks=bad(group))
    assert not Attendance.objects.exists()


def test_late_minutes_are_forgotten_for_another_status():
    group = a_class()
    with clock.frozen_at(DURING):
        roll_call_record(
            actor=group.mediator,
            session=group.session,
            marks=marks(group, Mark(S.PRESENT, 30), S.PRESENT, S.PRESENT),
        )
    assert set(Attendance.objects.values_list("minutes_missed", flat=True)) == {0}


def test_who_may_take_the_roll_call():
    group = a_class()
    ok = marks(group, S.PRESENT, S.PRESENT, S.PRESENT)
    other_site = MembershipFactory(organisation=SiteFactory(), role=Role.SITE_MANAGER)
    other_network_admin = MembershipFactory(
        organisation=SiteFactory(network__name="Autre réseau").network, role=Role.NETWORK_ADMIN
    )
    with clock.frozen_at(DURING):
        for refused in (group.volunteer, other_site, other_network_admin):
            with pytest.raises(DomainError, match="font l'appel"):
                roll_call_record(actor=refused, session=group.session, marks=ok)
        for allowed in (group.trainer, group.admin, group.manager, group.mediator):
            roll_call_record(actor=allowed, session=group.session, marks=ok)
    assert Activity.objects.count() == 1


def test_a_file_of_another_site_is_counted_anonymously():
    group = a_class(people=2)
    stranger = group.enrolments[1].beneficiary
    stranger.site = SiteFactory(network=group.site.network)
    stranger.save()
    with clock.frozen_at(DURING):
        roll_call_record(
            actor=group.mediator, session=group.session, marks=marks(group, S.PRESENT, S.PRESENT)
        )
    activity = Activity.objects.get()
    assert activity.participant_count == 2
    assert activity.anonymous_count == 1
    assert list(Participation.objects.values_list("beneficiary_id", flat=True)) == [
        group.enrolments[0].beneficiary_id
    ]


# --- Workshops ------------------------------------------------------------------------------


def a_workshop(group):
    workshop = WorkshopFactory(
        site=group.site,
        mediator=group.mediator.user,
        theme="email",
        level="intermediaire",
        title="Créer son adresse e-mail",
        starts_at=SESSION_START,
        ends_at=SESSION_START + datetime.timedelta(minutes=90),
    )
    person = BeneficiaryFactory(site=group.site)
    with_file = WorkshopRegistrationFactory(
        workshop=workshop, beneficiary=person, status=RegistrationStatus.CONFIRMED
    )
    online = WorkshopRegistrationFactory(
        workshop=workshop, status=RegistrationStatus.CONFIRMED, phone="+33612345678"
    )
    absent = WorkshopRegistrationFactory(
        workshop=workshop, status=RegistrationStatus.CONFIRMED, phone="+33612345679"
    )
    WorkshopRegistrationFactory(
        workshop=workshop, status=RegistrationStatus.WAITING, phone="+33612345670"
    )
    return workshop, with_file, online, absent


def test_the_workshop_roll_call_makes_one_record_with_anonymous_walk_ins():
    group = a_class(people=1)
    workshop, with_file, online, absent = a_workshop(group)
    attended = {with_file.pk: True, online.pk: True, absent.pk: False}
    with clock.frozen_at(DURING):
        result = workshop_roll_call_record(
            actor=group.mediator, workshop=workshop, attended=attended, walk_ins=2
        )
        assert (result.came, result.missed, result.walk_ins) == (2, 1, 2)
        activity = Activity.objects.get()
        assert activity.participant_count == 4
        assert activity.anonymous_count == 3
        assert activity.anonymous_counts["age"] == {"non_communique": 3}
        assert activity.themes == ["email"] and activity.workshop_level == "intermediaire"
        assert activity.duration_minutes == 90
        assert activity.workshop_name == "Créer son adresse e-mail"
        assert list(Participation.objects.values_list("beneficiary_id", flat=True)) == [
            with_file.beneficiary_id
        ]
        workshop_roll_call_record(
            actor=group.manager,
            workshop=workshop,
            attended={**attended, online.pk: False},
            walk_ins=0,
        )
    workshop.refresh_from_db()
    online.refresh_from_db()
    absent.refresh_from_db()
    assert online.attended is False and absent.attended is False
    assert workshop.activity_id == activity.pk and workshop.roll_call_at == DURING
    assert Activity.objects.get().participant_count == 1


def test_a_workshop_roll_call_needs_every_registration_and_a_started_workshop():
    group = a_class(people=1)
    workshop, with_file, online, absent = a_workshop(group)
    with clock.frozen_at(DURING), pytest.raises(DomainError, match="chaque inscrit"):
        workshop_roll_call_record(
            actor=group.mediator, workshop=workshop, attended={with_file.pk: True}, walk_ins=0
        )
    too_early = clock.frozen_at(SESSION_START - datetime.timedelta(hours=1))
    with too_early, pytest.raises(DomainError, match="pas encore commencé"):
        workshop_roll_call_record(
            actor=group.mediator,
            workshop=workshop,
            attended={with_file.pk: True, online.pk: True, absent.pk: True},
            walk_ins=0,
        )
    assert not Activity.objects.exists()


# --- Two tablets at once (PostgreSQL) ------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_tablets_submitting_at_once_make_one_record():
    group = a_class()
    takers = [group.mediator, group.trainer, group.manager, group.admin]
    variants = [
        marks(group, S.PRESENT, S.PRESENT, S.ABSENT),
        marks(group, S.PRESENT, Mark(S.LATE, 10), S.ABSENT),
        marks(group, S.PRESENT, S.PRESENT, S.PRESENT),
        marks(group, S.EXCUSED, S.PRESENT, S.PRESENT),
    ]
    outcomes = run_together(
        [
            (lambda t=t, m=m: roll_call_record(actor=t, session=group.session, marks=m))
            for t, m in zip(takers, variants, strict=True)
        ]
    )
    assert outcomes == ["done"] * 4
    assert Activity.objects.count() == 1
    assert Attendance.objects.count() == 3
    session = CohortSession.objects.get(pk=group.session.pk)
    assert session.activity_id == Activity.objects.get().pk
    assert JournalEntry.objects.filter(action="training.roll_call_taken").count() == 1
    assert JournalEntry.objects.filter(action="training.roll_call_retaken").count() == 3


# --- The tablet page ------------------------------------------------------------------------


def test_the_roll_call_page_saves_and_flashes_the_counts(login):
    group = a_class()
    client = login(group.trainer)
    url = reverse("training:roll_call", kwargs={"pk": group.session.pk})
    first, second, third = group.enrolments
    with clock.frozen_at(DURING):
        page = client.get(url).content.decode()
        assert page.count('type="radio"') == 12
        assert "Enregistrer l'appel" in page
        # A person left unmarked: the page comes back with what was tapped, nothing saved.
        missing = client.post(url, {f"status-{first.pk}": "present"})
        assert missing.status_code == 400
        assert "Indiquez la présence de : Bruno Colin, Chloé Durand." in missing.content.decode()
        assert 'value="present" checked' in missing.content.decode()
        assert not Attendance.objects.exists()
        response = client.post(
            url,
            {
                f"status-{first.pk}": "present",
                f"status-{second.pk}": "late",
                f"minutes-{second.pk}": "20",
                f"status-{third.pk}": "excused",
            },
            follow=True,
        )
    assert response.redirect_chain[-1][0] == reverse(
        "training:session_attendance", kwargs={"pk": group.session.pk}
    )
    text = response.content.decode()
    assert "Appel enregistré. Présents : 1, en retard : 1, excusés : 1, absents : 0." in text
    assert Activity.objects.get().participant_count == 2
    assert 'data-label="Minutes manquées">20<' in text


def test_a_volunteer_who_does_not_train_the_group_reads_but_cannot_call(login):
    group = a_class()
    client = login(group.volunteer)
    url = reverse("training:roll_call", kwargs={"pk": group.session.pk})
    with clock.frozen_at(DURING):
        page = client.get(url).content.decode()
        assert "Enregistrer l'appel" not in page
        assert client.post(url, {}).status_code == 403


def test_a_future_session_shows_no_form(login):
    group = a_class()
    client = login(group.mediator)
    too_early = SESSION_START - datetime.timedelta(days=1)
    with clock.frozen_at(too_early):
        page = client.get(reverse("training:roll_call", kwargs={"pk": group.session.pk}))
    assert "pas encore commencé" in page.content.decode()
    assert "Enregistrer l'appel" not in page.content.decode()


def test_the_workshop_roll_call_page(login):
    group = a_class(people=1)
    workshop, with_file, online, absent = a_workshop(group)
    client = login(group.mediator)
    url = reverse("training:workshop_roll_call", kwargs={"pk": workshop.pk})
    with clock.frozen_at(DURING):
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                f"came-{with_file.pk}": "yes",
                f"came-{online.pk}": "yes",
                f"came-{absent.pk}": "no",
                "walk_ins": "3",
            },
            follow=True,
        )
    assert "Appel enregistré. Venus : 2, pas venus : 1, venus sans inscription : 3." in (
        response.content.decode()
    )
    assert Activity.objects.get().participant_count == 5
    assert 'name="walk_ins" value="3"' in response.content.decode()


def test_the_roll_call_page_costs_the_same_queries_for_3_or_12_people(login):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from tests.training.factories import EnrolmentFactory

    group = a_class()
    client = login(group.mediator)
    url = reverse("training:roll_call", kwargs={"pk": group.session.pk})
    with clock.frozen_at(DURING):
        client.post(url, {f"status-{e.pk}": "present" for e in group.enrolments})
        with CaptureQueriesContext(db) as few:
            client.get(url)
        for _ in range(9):
            EnrolmentFactory(cohort=group.cohort)
        with CaptureQueriesContext(db) as many:
            assert client.get(url).content.decode().count('type="radio"') == 48
    assert len(many) == len(few)
