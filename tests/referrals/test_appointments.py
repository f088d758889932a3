"""Appointments from a file or for a walk-in: the booking rules (hours, closures, public
holidays, capacity) and the one-tap outcomes (came, came early, no show, postpone)."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from tests.accounts.factories import OpeningHoursFactory, SiteFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.conftest import make_member
from tests.referrals.actions import bookable, perform, prepare
from tisser.accounts.enums import ClosureReason, Role
from tisser.accounts.models import Closure
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.referrals import appointments as services
from tisser.referrals import transitions as t
from tisser.referrals.enums import AppointmentStatus, ReferralStatus
from tisser.referrals.models import Appointment

PARIS = ZoneInfo("Europe/Paris")
# Monday 22 March 2027, 10:00 in Paris; Good Friday is on the 26th.
MONDAY = datetime.datetime(2027, 3, 22, 10, 0, tzinfo=PARIS)
GOOD_FRIDAY = datetime.datetime(2027, 3, 26, 10, 0, tzinfo=PARIS)
HOURS = "lundi 9 h–12 h 30, 13 h 30–17 h 30"


def at(day: datetime.datetime, hour: int, minute: int = 0) -> datetime.datetime:
    return day.replace(hour=hour, minute=minute)


def open_site(**kwargs):
    """A site open Monday to Saturday, 9:00–12:30 and 13:30–17:30."""
    site = SiteFactory(**kwargs)
    for weekday in range(6):
        OpeningHoursFactory(site=site, weekday=weekday, opens_at=datetime.time(9, 0))
        OpeningHoursFactory(
            site=site,
            weekday=weekday,
            opens_at=datetime.time(13, 30),
            closes_at=datetime.time(17, 30),
        )
    return site


@pytest.fixture
def strasbourg(network):
    return open_site(network=network, postal_code="67000", city="Strasbourg")


@pytest.fixture
def lyon(network):
    return open_site(network=network, postal_code="69009", city="Lyon")


@pytest.fixture
def frozen():
    with clock.frozen_at(MONDAY):
        yield


def book(site, starts_at, *, actor=None, **kwargs):
    actor = actor or make_member(site, Role.MEDIATOR)
    kwargs.setdefault("walk_in_name", "Awa")
    return services.appointment_book(
        actor=actor, site=site, starts_at=starts_at, mediator=actor.user, **kwargs
    )


# --- closed days ---------------------------------------------------------------------------


def test_a_sunday_is_refused_with_the_hours(frozen, strasbourg):
    sunday = MONDAY + datetime.timedelta(days=6)
    with pytest.raises(DomainError) as refused:
        book(strasbourg, sunday)
    assert str(refused.value).startswith("L'espace est fermé le dimanche. Horaires : " + HOURS)
    assert not Appointment.objects.exists()


def test_good_friday_is_closed_in_strasbourg_but_open_in_lyon(frozen, strasbourg, lyon):
    with pytest.raises(DomainError) as refused:
        book(strasbourg, GOOD_FRIDAY)
    assert "fermé le vendredi 26 mars 2027 (Vendredi saint, jour férié)" in str(refused.value)
    assert "Horaires : lundi 9 h–12 h 30" in str(refused.value)
    accepted = book(lyon, GOOD_FRIDAY)
    assert accepted.status == AppointmentStatus.PLANNED
    assert list(Appointment.objects.values_list("site", flat=True)) == [lyon.pk]


def test_saint_stephen_is_closed_in_alsace_only(strasbourg, lyon):
    saint_stephen = datetime.datetime(2026, 12, 26, 10, 0, tzinfo=PARIS)  # a Saturday
    with clock.frozen_at(saint_stephen - datetime.timedelta(days=4)):
        with pytest.raises(DomainError, match="Saint-Étienne, jour férié"):
            book(strasbourg, saint_stephen)
        assert book(lyon, saint_stephen).starts_at == saint_stephen


def test_a_national_holiday_is_closed_everywhere(lyon):
    ascension = datetime.datetime(2027, 5, 6, 10, 0, tzinfo=PARIS)
    with clock.frozen_at(MONDAY), pytest.raises(DomainError, match="Ascension, jour férié"):
        book(lyon, ascension)


def test_an_exceptional_closure_is_refused_with_its_reason(frozen, strasbourg):
    Closure.objects.create(
        site=strasbourg,
        starts_on=datetime.date(2027, 3, 23),
        ends_on=datetime.date(2027, 3, 24),
        reason=ClosureReason.HOLIDAY,
    )
    with pytest.raises(DomainError) as refused:
        book(strasbourg, at(MONDAY + datetime.timedelta(days=2), 14))
    assert "fermé du mardi 23 mars 2027 au mercredi 24 mars 2027 (congés)" in str(refused.value)
    assert book(strasbourg, at(MONDAY + datetime.timedelta(days=3), 14)).pk


def test_the_appointment_must_fit_inside_an_opening_slot(frozen, strasbourg):
    with pytest.raises(DomainError) as refused:
        book(strasbourg, at(MONDAY, 12, 15))  # 30 minutes: ends at 12:45, after 12:30
    assert str(refused.value) == (
        "Le rendez-vous doit tenir dans les horaires d'ouverture du lundi : "
        "9 h–12 h 30, 13 h 30–17 h 30."
    )
    assert book(strasbourg, at(MONDAY, 12)).ends_at == at(MONDAY, 12, 30)


def test_the_duration_is_the_site_setting(frozen, strasbourg):
    strasbourg.appointment_minutes = 45
    strasbourg.save(update_fields=["appointment_minutes"])
    appointment = book(strasbourg, at(MONDAY, 14))
    assert appointment.minutes == 45
    with pytest.raises(DomainError):
        book(strasbourg, at(MONDAY, 17))  # would end at 17:45


# --- capacity ------------------------------------------------------------------------------


def test_capacity_counts_overlapping_appointments_only(frozen, strasbourg):
    strasbourg.appointment_capacity = 2
    strasbourg.save(update_fields=["appointment_capacity"])
    book(strasbourg, at(MONDAY, 14))
    book(strasbourg, at(MONDAY, 14, 15))
    with pytest.raises(DomainError) as refused:
        book(strasbourg, at(MONDAY, 14, 20))  # overlaps both
    assert str(refused.value).startswith(
        "Ce créneau est complet : l'espace reçoit au plus 2 rendez-vous individuel(s) en même "
        "temps, et 2 sont déjà prévus le lundi 22 mars à 14h20."
    )
    # 14:30 starts when the first ends: only the second overlaps it.
    assert book(strasbourg, at(MONDAY, 14, 30)).pk
    assert Appointment.objects.count() == 3


def test_cancelled_and_missed_appointments_free_their_place(frozen, strasbourg):
    first = book(strasbourg, at(MONDAY, 14))
    Appointment.objects.filter(pk=first.pk).update(status=AppointmentStatus.NO_SHOW)
    assert book(strasbourg, at(MONDAY, 14)).pk


def test_referral_acceptance_obeys_the_same_rules(frozen, world):
    """The referral flow books through the same rules: a full slot is refused there too."""
    OpeningHoursFactory(site=world.site, weekday=0, opens_at=datetime.time(9, 0))
    book(world.site, at(MONDAY, 10, 30), actor=world.mediator)
    referral = prepare(world, ReferralStatus.SUBMITTED)
    with pytest.raises(DomainError, match="Ce créneau est complet"):
        perform(t.ACCEPT, world, referral, starts_at=at(MONDAY, 10, 45))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    appointment = perform(t.ACCEPT, world, referral, starts_at=at(MONDAY, 11))
    assert appointment.ends_at == at(MONDAY, 11, 30)


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_bookings_racing_for_the_last_place_get_one(network):
    site = open_site(network=network, postal_code="69009")
    first, second = make_member(site, Role.MEDIATOR), make_member(site, Role.SITE_MANAGER)
    barrier = threading.Barrier(2)
    outcomes = []

    def run(actor):
        try:
            barrier.wait(timeout=5)
            with clock.frozen_at(MONDAY):
                book(site, at(MONDAY, 15), actor=actor)
            outcomes.append("booked")
        except DomainError as error:
            outcomes.append(str(error)[:25])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(actor,)) for actor in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcomes) == ["Ce créneau est complet : ", "booked"]
    assert Appointment.objects.filter(site=site).count() == 1


# --- booking from a file or for a walk-in ---------------------------------------------------


def test_booking_from_a_file_of_the_site(frozen, strasbourg):
    person = BeneficiaryFactory(site=strasbourg)
    appointment = book(strasbourg, at(MONDAY, 15), beneficiary=person, reason="CAF en ligne")
    assert (appointment.beneficiary, appointment.walk_in_name) == (person, "")
    assert appointment.origin == "file"
    entry = JournalEntry.objects.get(action="appointment.booked")
    assert (entry.object_id, entry.site_id) == (str(appointment.pk), strasbourg.pk)
    assert entry.payload["origin"] == "file"


def test_a_file_of_another_site_is_refused(frozen, strasbourg, lyon):
    with pytest.raises(DomainError, match="pas suivi par cet espace"):
        book(strasbourg, at(MONDAY, 15), beneficiary=BeneficiaryFactory(site=lyon))
    assert not Appointment.objects.exists()


def test_a_walk_in_needs_a_first_name_and_a_valid_phone(frozen, strasbourg):
    with pytest.raises(DomainError, match="écrivez son prénom"):
        book(strasbourg, at(MONDAY, 15), walk_in_name=" ")
    with pytest.raises(DomainError, match="numéro de téléphone n'est pas valide"):
        book(strasbourg, at(MONDAY, 15), walk_in_phone="12")
    appointment = book(strasbourg, at(MONDAY, 15), walk_in_phone="06 12 34 56 78")
    assert (appointment.walk_in_phone, appointment.origin) == ("+33612345678", "walk_in")


def test_volunteers_partners_and_other_sites_cannot_book(frozen, strasbourg, lyon, partner):
    for actor in (
        make_member(strasbourg, Role.VOLUNTEER),
        make_member(lyon, Role.MEDIATOR),
        make_member(partner, Role.PARTNER_REFERRER),
    ):
        with pytest.raises(DomainError, match="Votre rôle"):
            services.appointment_book(
                actor=actor,
                site=strasbourg,
                starts_at=at(MONDAY, 15),
                mediator=actor.user,
                walk_in_name="Awa",
            )


def test_the_mediator_must_be_of_the_site_team(frozen, strasbourg, lyon):
    actor = make_member(strasbourg, Role.SITE_MANAGER)
    stranger = make_member(lyon, Role.MEDIATOR)
    with pytest.raises(DomainError, match="ne fait pas partie de l'équipe"):
        services.appointment_book(
            actor=actor,
            site=strasbourg,
            starts_at=at(MONDAY, 15),
            mediator=stranger.user,
            walk_in_name="Awa",
        )


# --- came, came early, no show, postpone ----------------------------------------------------


def test_came_is_refused_before_the_appointment_day(frozen, strasbourg):
    appointment = book(strasbourg, at(MONDAY + datetime.timedelta(days=1), 10))
    with pytest.raises(DomainError) as refused:
        services.appointment_mark_came(
            actor=make_member(strasbourg, Role.MEDIATOR), appointment=appointment
        )
    assert "prévu le mardi 23 mars 2027 : la venue ne peut pas être notée" in str(refused.value)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.PLANNED


def test_came_on_the_day_even_before_the_hour(strasbourg):
    with clock.frozen_at(at(MONDAY, 9)):
        appointment = book(strasbourg, at(MONDAY, 16))
        services.appointment_mark_came(
            actor=make_member(strasbourg, Role.MEDIATOR), appointment=appointment
        )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CAME


def test_came_early_moves_the_appointment_to_now_in_one_action(strasbourg):
    with clock.frozen_at(MONDAY):
        appointment = book(strasbourg, at(MONDAY + datetime.timedelta(days=2), 14))
    with clock.frozen_at(at(MONDAY, 11, 7)):
        services.appointment_came_early(
            actor=make_member(strasbourg, Role.MEDIATOR), appointment=appointment
        )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CAME
    assert (appointment.starts_at, appointment.ends_at) == (at(MONDAY, 11, 7), at(MONDAY, 11, 37))
    actions = list(
        JournalEntry.objects.filter(object_id=str(appointment.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["appointment.booked", "appointment.moved_to_now", "appointment.came"]


def test_came_early_for_a_referral_consumes_the_referral(world):
    referral = prepare(world, ReferralStatus.ACCEPTED)
    appointment = referral.appointments.get()
    later = clock.now() + datetime.timedelta(days=2)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=later, ends_at=later + datetime.timedelta(minutes=30)
    )
    with pytest.raises(DomainError, match="la venue ne peut pas être notée"):
        services.appointment_mark_came(actor=world.manager, appointment=appointment)
    services.appointment_came_early(actor=world.manager, appointment=appointment)
    referral.refresh_from_db()
    appointment.refresh_from_db()
    assert referral.status == ReferralStatus.CONSUMED
    assert appointment.status == AppointmentStatus.CAME
    assert appointment.beneficiary == referral.beneficiary is not None
    assert appointment.starts_at <= clock.now()


def test_no_show_waits_for_the_appointment_time(strasbourg):
    mediator = make_member(strasbourg, Role.MEDIATOR)
    with clock.frozen_at(at(MONDAY, 9)):
        appointment = book(strasbourg, at(MONDAY, 10), actor=mediator)
        with pytest.raises(DomainError, match="n'a pas encore commencé"):
            services.appointment_mark_no_show(actor=mediator, appointment=appointment)
    with clock.frozen_at(at(MONDAY, 10, 20)):
        services.appointment_mark_no_show(actor=mediator, appointment=appointment)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW


def test_postpone_books_a_new_appointment_under_the_rules(frozen, strasbourg):
    mediator = make_member(strasbourg, Role.MEDIATOR)
    appointment = book(strasbourg, at(MONDAY, 15), actor=mediator, reason="Ameli")
    with pytest.raises(DomainError, match="Vendredi saint"):
        services.appointment_postpone(
            actor=mediator, appointment=appointment, starts_at=GOOD_FRIDAY
        )
    moved = services.appointment_postpone(
        actor=mediator, appointment=appointment, starts_at=at(MONDAY, 15, 30)
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.REBOOKED
    assert (moved.status, moved.starts_at, moved.reason, moved.walk_in_name) == (
        AppointmentStatus.PLANNED,
        at(MONDAY, 15, 30),
        "Ameli",
        "Awa",
    )


def test_postpone_of_a_referral_appointment_rebooks_the_referral(world):
    referral = prepare(world, ReferralStatus.ACCEPTED)
    appointment = referral.appointments.get()
    new_time = bookable(clock.now() + datetime.timedelta(days=7))
    moved = services.appointment_postpone(
        actor=world.manager, appointment=appointment, starts_at=new_time
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.REBOOKED
    assert moved.referral == referral
    assert referral.events.order_by("-pk").first().note == "Rendez-vous déplacé"
