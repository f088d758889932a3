"""Cohorts: creation with the generated schedule, updates, moves, cancel and close."""

import datetime

import pytest
from django.utils import timezone

from tests.accounts.factories import ClosureFactory, SiteFactory
from tests.training.factories import (
    CohortFactory,
    CohortSessionFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    ProgrammeSessionFactory,
)
from tisser.accounts.enums import ClosureReason, Role
from tisser.core import hooks
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.training import cohorts
from tisser.training.enums import SessionDiagnostic
from tisser.training.models import Cohort, CohortSession
from tisser.training.schedule import at

NINE = datetime.time(9, 0)


@pytest.fixture
def manager(site, member_factory):
    return member_factory(site, Role.SITE_MANAGER)


@pytest.fixture
def programme(network):
    programme = ProgrammeFactory(network=network, total_minutes=4 * 180)
    for position in range(1, 5):
        ProgrammeSessionFactory(
            programme=programme,
            position=position,
            title=f"Séance {position}",
            duration_minutes=180,
            diagnostic={1: SessionDiagnostic.ENTRY, 4: SessionDiagnostic.EXIT}.get(position, ""),
        )
    return programme


def create(actor, programme, site, **overrides):
    kwargs = {
        "actor": actor,
        "programme": programme,
        "site": site,
        "name": "Groupe de mars",
        "room": "Salle 1",
        "capacity": 12,
        # Monday 30 March 2026; Easter Monday 6 April is skipped, Good Friday too (67000).
        "starts_on": datetime.date(2026, 3, 30),
        "weekdays": [0, 4],
        "start_time": NINE,
    }
    kwargs.update(overrides)
    return cohorts.cohort_create(**kwargs)


def session_days(cohort):
    return [
        timezone.localtime(s.starts_at).date()
        for s in CohortSession.objects.filter(cohort=cohort).order_by("starts_at")
    ]


def test_the_manager_creates_a_cohort_with_its_sessions(manager, programme, site):
    ClosureFactory(
        site=site,
        starts_on=datetime.date(2026, 4, 13),
        ends_on=datetime.date(2026, 4, 13),
        reason=ClosureReason.WORKS,
    )
    trainer = manager.user
    cohort = create(manager, programme, site, trainer_ids=[trainer.pk])
    assert session_days(cohort) == [
        datetime.date(2026, 3, 30),
        # Friday 3 April: Good Friday in Strasbourg; Monday 6 April: Easter Monday.
        datetime.date(2026, 4, 10),
        # Monday 13 April: the site is closed.
        datetime.date(2026, 4, 17),
        datetime.date(2026, 4, 20),
    ]
    sessions = list(cohort.sessions.select_related("plan").order_by("starts_at"))
    assert [s.plan.position for s in sessions] == [1, 2, 3, 4]
    assert all(s.minutes == 180 and s.room == "Salle 1" for s in sessions)
    assert list(cohort.trainers.all()) == [trainer]
    entry = JournalEntry.objects.get(action="training.cohort_created")
    assert entry.payload == {"programme": programme.pk, "sessions": 4}
    assert entry.site_id == site.pk


def test_a_network_admin_creates_for_any_site_of_the_network(network_admin, programme, site):
    assert create(network_admin, programme, site).sessions.count() == 4


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.VOLUNTEER])
def test_mediators_and_volunteers_do_not_create(site, member_factory, programme, role):
    with pytest.raises(DomainError, match="responsable de l'espace"):
        create(member_factory(site, role), programme, site)
    assert not Cohort.objects.exists()


def test_another_sites_manager_cannot_create_here(programme, site, other_site, member_factory):
    with pytest.raises(DomainError):
        create(member_factory(other_site, Role.SITE_MANAGER), programme, site)


def test_a_plan_that_does_not_add_up_is_refused(manager, programme, site):
    ProgrammeSessionFactory(programme=programme, position=5, duration_minutes=60)
    with pytest.raises(DomainError, match="60 minutes de trop"):
        create(manager, programme, site)
    assert not Cohort.objects.exists()
    assert not CohortSession.objects.exists()


def test_the_first_day_must_be_in_the_programme_period(manager, programme, site):
    with pytest.raises(DomainError, match="période du programme, du 1er janvier 2026"):
        create(manager, programme, site, starts_on=datetime.date(2027, 3, 1))


def test_trainers_come_from_the_sites_team(manager, programme, site, other_site, member_factory):
    outsider = member_factory(other_site, Role.MEDIATOR).user
    with pytest.raises(DomainError, match="équipe de l'espace"):
        create(manager, programme, site, trainer_ids=[outsider.pk])


def test_capacity_cannot_go_below_the_people_enrolled(manager, site):
    cohort = CohortFactory(site=site, capacity=5)
    for _ in range(3):
        EnrolmentFactory(cohort=cohort)
    with pytest.raises(DomainError, match="3 personnes sont inscrites"):
        cohorts.cohort_update(
            actor=manager, cohort=cohort, name=cohort.name, trainer_ids=[], room="", capacity=2
        )
    cohort.refresh_from_db()
    assert cohort.capacity == 5
    cohorts.cohort_update(
        actor=manager, cohort=cohort, name="Groupe B", trainer_ids=[], room="Salle 2", capacity=3
    )
    cohort.refresh_from_db()
    assert (cohort.name, cohort.room, cohort.capacity) == ("Groupe B", "Salle 2", 3)
    assert JournalEntry.objects.filter(action="training.cohort_updated").count() == 1


def test_a_volunteer_only_reads(site, member_factory):
    cohort = CohortFactory(site=site)
    with pytest.raises(DomainError):
        cohorts.cohort_update(
            actor=member_factory(site, Role.VOLUNTEER),
            cohort=cohort,
            name="X",
            trainer_ids=[],
            room="",
            capacity=3,
        )


# --- moving a session -------------------------------------------------------------------------


@pytest.fixture
def planned(manager, programme, site):
    return create(manager, programme, site)


def sessions_of(cohort):
    return list(cohort.sessions.select_related("plan").order_by("plan__position"))


def test_a_mediator_moves_a_session_keeping_its_duration(planned, site, member_factory):
    mediator = member_factory(site, Role.MEDIATOR)
    # The third session (Monday 13 April) moves before the fourth (Friday 17 April).
    second = sessions_of(planned)[2]
    original = second.starts_at
    new_start = at(datetime.date(2026, 4, 14), datetime.time(14, 0))
    moved = cohorts.session_move(actor=mediator, session=second, new_start=new_start)
    moved.refresh_from_db()
    assert moved.starts_at == new_start
    assert moved.minutes == 180
    assert moved.moved_from == original
    # Moved again: it still says where it was planned first.
    cohorts.session_move(
        actor=mediator, session=moved, new_start=at(datetime.date(2026, 4, 15), NINE)
    )
    moved.refresh_from_db()
    assert moved.moved_from == original
    assert JournalEntry.objects.filter(action="training.session_moved").count() == 2


def test_a_move_to_a_holiday_is_refused_and_changes_nothing(planned, manager):
    second = sessions_of(planned)[1]
    before = second.starts_at
    with pytest.raises(DomainError, match="Lundi de Pâques"):
        cohorts.session_move(
            actor=manager, session=second, new_start=at(datetime.date(2026, 4, 6), NINE)
        )
    second.refresh_from_db()
    assert second.starts_at == before and second.moved_from is None


def test_a_move_onto_a_closure_is_refused(planned, manager, site):
    ClosureFactory(
        site=site,
        starts_on=datetime.date(2026, 4, 14),
        ends_on=datetime.date(2026, 4, 15),
        reason=ClosureReason.TRAINING,
    )
    with pytest.raises(DomainError, match="Formation de l'équipe"):
        cohorts.session_move(
            actor=manager,
            session=sessions_of(planned)[1],
            new_start=at(datetime.date(2026, 4, 14), NINE),
        )


def test_a_move_onto_another_cohort_in_the_same_room_is_refused(planned, manager, site):
    other = CohortFactory(site=site, programme=planned.programme, room="salle 1")
    CohortSessionFactory(
        cohort=other,
        plan=sessions_of(planned)[0].plan,
        starts_at=at(datetime.date(2026, 4, 14), datetime.time(10, 0)),
        ends_at=at(datetime.date(2026, 4, 14), datetime.time(12, 0)),
        room="salle 1",
    )
    with pytest.raises(DomainError, match="chevauche"):
        cohorts.session_move(
            actor=manager,
            session=sessions_of(planned)[2],
            new_start=at(datetime.date(2026, 4, 14), NINE),
        )


def test_a_move_before_the_previous_session_is_refused(planned, manager):
    with pytest.raises(DomainError, match="précédente"):
        cohorts.session_move(
            actor=manager,
            session=sessions_of(planned)[2],
            new_start=at(datetime.date(2026, 3, 31), NINE),
        )


def test_a_session_whose_roll_call_is_done_does_not_move(planned, manager):
    first = sessions_of(planned)[0]
    CohortSession.objects.filter(pk=first.pk).update(roll_call_at=timezone.now())
    with pytest.raises(DomainError, match="appel"):
        cohorts.session_move(
            actor=manager, session=first, new_start=at(datetime.date(2026, 3, 31), NINE)
        )


# --- cancel and close -------------------------------------------------------------------------


def test_cancel_before_any_roll_call_only(planned, manager, site):
    cohorts.cohort_cancel(actor=manager, cohort=planned)
    planned.refresh_from_db()
    assert planned.cancelled_at is not None
    with pytest.raises(DomainError, match="déjà annulé"):
        cohorts.cohort_cancel(actor=manager, cohort=planned)
    started = CohortFactory(site=site)
    CohortSessionFactory(cohort=started, roll_call_at=timezone.now())
    with pytest.raises(DomainError, match="terminez le groupe"):
        cohorts.cohort_cancel(actor=manager, cohort=started)


def test_close_announces_the_hook_once(planned, manager, fake_clock):
    fake_clock.set(at(datetime.date(2026, 4, 21), NINE))
    heard = []

    def listener(*, actor, cohort):
        heard.append(cohort.pk)

    hooks.subscribe("cohort.closed")(listener)
    try:
        cohorts.cohort_close(actor=manager, cohort=planned)
        with pytest.raises(DomainError, match="déjà terminé"):
            cohorts.cohort_close(actor=manager, cohort=planned)
    finally:
        hooks.unsubscribe("cohort.closed", listener)
    planned.refresh_from_db()
    assert planned.closed_on == datetime.date(2026, 4, 21)
    assert heard == [planned.pk]


def test_a_cohort_that_has_not_started_is_not_closed(planned, manager, fake_clock):
    fake_clock.set(at(datetime.date(2026, 3, 1), NINE))
    with pytest.raises(DomainError, match="pas encore commencé"):
        cohorts.cohort_close(actor=manager, cohort=planned)


def test_another_site_cannot_touch_the_cohort(planned, member_factory):
    stranger = member_factory(SiteFactory(network=planned.site.network), Role.SITE_MANAGER)
    with pytest.raises(DomainError):
        cohorts.cohort_cancel(actor=stranger, cohort=planned)
    with pytest.raises(DomainError):
        cohorts.session_move(
            actor=stranger,
            session=sessions_of(planned)[1],
            new_start=at(datetime.date(2026, 4, 14), NINE),
        )
