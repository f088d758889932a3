"""The team's home (today, tomorrow, overdue, referrals waiting) and the site agenda (day or
week, per mediator, with closures and holidays), and the one-tap outcomes from them."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import ClosureFactory, OpeningHoursFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.referrals.actions import prepare
from tests.referrals.factories import AppointmentFactory
from tisser.core import clock
from tisser.core.views_helpers import PAGE_SIZE
from tisser.referrals.enums import AppointmentStatus, ReferralStatus
from tisser.referrals.models import Appointment
from tisser.workspace.agenda import HOME_ROWS, _two_days

PARIS = ZoneInfo("Europe/Paris")
# Monday 22 March 2027, 10:00 in Paris (Good Friday is the 26th; the sites are in Strasbourg).
MONDAY = datetime.datetime(2027, 3, 22, 10, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen_at(MONDAY):
        yield


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    return (MONDAY + datetime.timedelta(days=days)).replace(hour=hour, minute=minute)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def walk_in(site, starts_at, name="Awa", **kwargs):
    return AppointmentFactory(site=site, starts_at=starts_at, walk_in_name=name, **kwargs)


# --- the home ----------------------------------------------------------------------------------


def test_the_home_shows_today_tomorrow_overdue_and_the_referrals_waiting(login, world):
    file = BeneficiaryFactory(site=world.site, first_name="Karim", last_name="Haddad")
    AppointmentFactory(
        site=world.site,
        starts_at=at(0, 14),
        beneficiary=file,
        mediator=world.mediator.user,
        reason="Dossier CAF",
    )
    accepted = prepare(world, ReferralStatus.ACCEPTED, first_name="Lina", reason="Ameli")
    Appointment.objects.filter(referral=accepted).update(starts_at=at(1, 9), ends_at=at(1, 9, 30))
    walk_in(world.site, at(-3, 11), name="Oublié")
    waiting = prepare(world, ReferralStatus.SUBMITTED, first_name="Nour")
    waiting.submitted_at = MONDAY - datetime.timedelta(days=12)
    waiting.save(update_fields=["submitted_at"])
    walk_in(world.other_site, at(0, 15), name="Ailleurs")

    page = text(login(world.manager).get(reverse("workspace:home")))

    today, tomorrow = page.index("Aujourd'hui, lundi 22 mars"), page.index(">Demain<")
    overdue, waiting_at = page.index(">En retard<"), page.index("en attente de réponse")
    assert today < page.index("Karim Haddad") < tomorrow
    assert "14 h" in page and "Dossier CAF" in page
    assert world.mediator.user.get_full_name() in page
    assert tomorrow < page.index("Lina") < overdue
    assert world.partner.name in page and accepted.reference in page
    assert overdue < page.index("Oublié") < waiting_at
    assert "en attente depuis 12 jours" in page and "en retard" in page
    assert "Ailleurs" not in page
    # Today: "came" (and "no show" once the time has come); tomorrow: "came early".
    assert reverse("appointments:came", kwargs={"pk": file.appointments.get().pk}) in page
    tomorrow_pk = accepted.appointments.get().pk
    assert reverse("appointments:came_early", kwargs={"pk": tomorrow_pk}) in page


def test_volunteers_and_admins_get_their_own_home_without_appointments(login, world):
    walk_in(world.site, at(0, 14))
    assert "Awa" not in text(login(world.volunteer).get(reverse("workspace:home")))


@pytest.mark.parametrize(("today", "tomorrow"), [(3, 2), (HOME_ROWS + 5, 3), (30, 30), (0, 25)])
def test_today_and_tomorrow_are_read_together_and_never_cut_short(world, today, tomorrow):
    """Both days come from one read on most days; a busy first day fills that read, and the
    second day is then read on its own: each section still shows its first rows in time
    order, and says when there are more."""
    made = {
        0: [walk_in(world.site, at(0, 8) + datetime.timedelta(minutes=i)) for i in range(today)],
        1: [walk_in(world.site, at(1, 8) + datetime.timedelta(minutes=i)) for i in range(tomorrow)],
    }
    walk_in(world.site, at(2, 8))  # the day after: on neither section
    with CaptureQueriesContext(connection) as captured:
        sections = _two_days(world.manager, MONDAY.date())
    for section, day in zip(sections, (0, 1), strict=True):
        assert section.rows == made[day][:HOME_ROWS]
        assert section.has_more == (len(made[day]) > HOME_ROWS)
    busy = today + min(tomorrow, HOME_ROWS + 1) > 2 * (HOME_ROWS + 1)
    assert len(captured.captured_queries) == (2 if busy else 1)


@pytest.mark.parametrize("rows", [1, 50])
def test_the_home_runs_a_constant_number_of_queries(
    login, world, rows, django_assert_max_num_queries
):
    client = login(world.manager)
    client.get(reverse("workspace:home"))
    for index in range(rows):
        walk_in(
            world.site, at(0, 9) + datetime.timedelta(minutes=index), mediator=world.mediator.user
        )
        walk_in(world.site, at(1, 9) + datetime.timedelta(minutes=index))
        walk_in(world.site, at(-2, 9) + datetime.timedelta(minutes=index))
        AppointmentFactory(site=world.site, starts_at=at(0, 16))  # from a referral
        prepare(world, ReferralStatus.SUBMITTED)
    # The signed-in base, the site and its team, four lists, the savepoints of the request,
    # the visits already recorded (1) and my recent files (2).
    with django_assert_max_num_queries(16):
        page = text(client.get(reverse("workspace:home")))
    assert ("Les autres rendez-vous du jour sont dans l'agenda" in page) == (rows > 10)


def test_came_leads_to_the_activity_form_and_a_visit_not_recorded_is_offered(login, world):
    """« Venu(e) » records the visit and opens the activity form on that appointment; until
    the activity is saved, the card offers « Noter ce qui a été fait »."""
    from tests.activities.conftest import individual
    from tisser.activities import services as activity_services

    file = BeneficiaryFactory(site=world.site, first_name="Karim")
    appointment = AppointmentFactory(
        site=world.site, starts_at=at(0, 9), beneficiary=file, mediator=world.mediator.user
    )
    client = login(world.mediator)
    form_url = reverse("activities:create") + f"?rendez_vous={appointment.pk}"
    assert f'value="{form_url}"' in text(client.get(reverse("workspace:home")))

    response = client.post(reverse("appointments:came", kwargs={"pk": appointment.pk}),
                           {"next": form_url})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == form_url
    assert "Karim" in text(client.get(form_url))
    assert "Noter ce qui a été fait" in text(client.get(reverse("workspace:home")))

    activity_services.activity_create(
        actor=world.mediator,
        data=individual(participants=[file], anonymous_count=0, anonymous_counts={}),
        appointment=appointment,
    )
    home = text(client.get(reverse("workspace:home")))
    assert "Noter ce qui a été fait" not in home
    # The person now heads « the people I accompanied », with the day of the activity.
    assert "Les personnes que j'ai accompagnées" in home
    assert f'href="{reverse("beneficiaries:detail", kwargs={"pk": file.pk})}"' in home


def test_my_recent_files_are_mine_from_the_last_30_days(world):
    from tests.activities.conftest import individual
    from tisser.activities import services as activity_services
    from tisser.activities.selectors import my_recent_files

    mine, colleague, old = (BeneficiaryFactory(site=world.site) for _ in range(3))
    data = {"anonymous_count": 0, "anonymous_counts": {}}
    activity_services.activity_create(
        actor=world.mediator, data=individual(participants=[mine], **data)
    )
    activity_services.activity_create(
        actor=world.manager, data=individual(participants=[colleague], **data)
    )
    with clock.frozen_at(MONDAY - datetime.timedelta(days=31)):
        activity_services.activity_create(
            actor=world.mediator, data=individual(participants=[old], **data)
        )
    assert my_recent_files(membership=world.mediator, limit=10) == [mine]


# --- the agenda -------------------------------------------------------------------------------


def test_the_day_view_lists_the_day_in_time_order(login, world):
    walk_in(world.site, at(0, 15), name="Second")
    walk_in(world.site, at(0, 9), name="Premier")
    walk_in(world.site, at(1, 9), name="Demain")
    page = text(login(world.mediator).get(reverse("workspace:agenda")))
    assert "Agenda du lundi 22 mars 2027" in page
    assert page.index("Premier") < page.index("Second")
    assert "Demain" not in page


def test_the_week_view_shows_closures_and_holidays(login, world):
    ClosureFactory(
        site=world.site,
        starts_on=datetime.date(2027, 3, 23),
        ends_on=datetime.date(2027, 3, 23),
    )
    walk_in(world.site, at(3, 10), name="Jeudi")
    page = text(login(world.manager).get(reverse("workspace:agenda") + "?jour=2027-03-24&vue=week"))
    assert "Agenda de la semaine du 22 mars au 28 mars 2027" in page
    assert "Espace fermé : Congés." in page
    assert "Espace fermé : Vendredi saint." in page
    assert "Jeudi" in page
    assert "Semaine précédente" in page and "jour=2027-03-15" in page


def test_the_mediator_filter_keeps_one_person_s_appointments(login, world):
    walk_in(world.site, at(0, 9), name="Avec-lui", mediator=world.mediator.user)
    walk_in(world.site, at(0, 10), name="Avec-elle", mediator=world.manager.user)
    url = reverse("workspace:agenda") + f"?mediateur={world.mediator.user.pk}"
    page = text(login(world.manager).get(url))
    assert "Avec-lui" in page and "Avec-elle" not in page


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("?jour=2031-01-01", "moins d&#x27;un an"),
        ("?jour=demain", "date valide"),
        ("?mediateur=9999999999999999999999999", "Choisissez une personne de l&#x27;équipe"),
    ],
)
def test_a_bad_filter_is_a_french_message_and_today(login, world, query, error):
    walk_in(world.site, at(0, 9), name="Aujourdhui")
    page = text(login(world.manager).get(reverse("workspace:agenda") + query))
    assert error in page and "Aujourdhui" in page


@pytest.mark.parametrize("rows", [1, 60])
def test_the_agenda_runs_a_constant_number_of_queries(
    login, world, rows, django_assert_max_num_queries
):
    client = login(world.manager)
    client.get(reverse("workspace:agenda"))
    for index in range(rows):
        AppointmentFactory(
            site=world.site,
            starts_at=at(index % 5, 9) + datetime.timedelta(minutes=index),
            mediator=world.mediator.user,
        )
    # The signed-in base, the site, the team, the count and the page, the closures, savepoints,
    # the visits already recorded, the cohort sessions and the workshops (training, two).
    with django_assert_max_num_queries(14):
        page = text(client.get(reverse("workspace:agenda") + "?vue=week"))
    assert ("Page 1 sur" in page) == (rows > PAGE_SIZE)


# --- the one-tap outcomes ---------------------------------------------------------------------


def test_came_from_the_home_and_back_to_it(login, world):
    appointment = walk_in(world.site, at(0, 9))
    client = login(world.mediator)
    response = client.post(
        reverse("appointments:came", kwargs={"pk": appointment.pk}), {"next": "/espace-pro/"}
    )
    assert response.status_code == 302 and response.url == "/espace-pro/"
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CAME
    assert "Awa est venu(e) : c&#x27;est noté." in text(client.get(response.url))


def test_came_before_the_day_is_refused_with_a_french_message(login, world):
    appointment = walk_in(world.site, at(2, 9))
    client = login(world.mediator)
    response = client.post(reverse("appointments:came", kwargs={"pk": appointment.pk}))
    assert "la venue ne peut pas être notée avant ce jour" in text(client.get(response.url))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.PLANNED


def test_a_get_or_an_outside_next_changes_nothing(login, world):
    appointment = walk_in(world.site, at(0, 9))
    client = login(world.mediator)
    url = reverse("appointments:no_show", kwargs={"pk": appointment.pk})
    assert client.get(url).url == "/espace-pro/"
    response = client.post(url, {"next": "https://evil.example/espace-pro/"})
    assert response.url == "/espace-pro/"
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW  # the POST did it, not the GET


def test_came_for_a_referral_with_a_possible_file_goes_to_the_choice(login, world):
    referral = prepare(world, ReferralStatus.ACCEPTED, first_name="Awa", last_name="Diallo")
    BeneficiaryFactory(site=world.site, first_name="Awa", last_name="Diallo")
    appointment = referral.appointments.get()
    response = login(world.manager).post(
        reverse("appointments:came", kwargs={"pk": appointment.pk})
    )
    assert response.url == reverse("referrals:mark_came", kwargs={"pk": referral.pk})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_postpone_page_moves_the_appointment(login, world):
    OpeningHoursFactory(site=world.site, weekday=1, opens_at=datetime.time(9))
    appointment = walk_in(world.site, at(0, 9))
    client = login(world.manager)
    url = reverse("appointments:postpone", kwargs={"pk": appointment.pk})
    assert "Reporter le rendez-vous" in text(client.get(url + "?next=/espace-pro/agenda/"))
    refused = client.post(url, {"date": "2027-03-23", "time": "18:00"})
    assert refused.status_code == 400
    assert "horaires d&#x27;ouverture du mardi : 9 h–12 h 30" in refused.content.decode()
    response = client.post(
        url, {"date": "2027-03-23", "time": "10:00", "next": "/espace-pro/agenda/"}
    )
    assert response.url == "/espace-pro/agenda/"
    moved = Appointment.objects.get(status=AppointmentStatus.PLANNED)
    assert moved.starts_at == at(1, 10)


# --- booking ---------------------------------------------------------------------------------


def test_booking_for_a_walk_in(login, world):
    client = login(world.mediator)
    page = text(client.get(reverse("appointments:book")))
    assert "Prénom de la personne (sans dossier)" in page
    response = client.post(
        reverse("appointments:book"),
        {
            "walk_in_name": "Sami",
            "walk_in_phone": "06 12 34 56 78",
            "date": "2027-03-22",
            "time": "15:00",
            "mediator": world.mediator.user.pk,
            "reason": "Impôts en ligne",
        },
    )
    assert response.url == reverse("workspace:agenda")
    booked = Appointment.objects.get()
    assert (booked.walk_in_name, booked.walk_in_phone, booked.reason) == (
        "Sami",
        "+33612345678",
        "Impôts en ligne",
    )
    assert timezone.localtime(booked.starts_at).hour == 15


def test_booking_from_a_file_by_its_number_or_its_link(login, world):
    file = BeneficiaryFactory(site=world.site, file_number="STR-000042", first_name="Inès")
    client = login(world.manager)
    data = {"date": "2027-03-22", "time": "15:00", "mediator": world.manager.user.pk}
    client.post(reverse("appointments:book"), {**data, "file_number": "str-000042"})
    page = text(client.get(reverse("appointments:book") + f"?dossier={file.pk}"))
    assert "Pour Inès" in page
    client.post(
        reverse("appointments:book") + f"?dossier={file.pk}",
        {**data, "time": "16:00", "beneficiary": file.pk},
    )
    assert list(Appointment.objects.values_list("beneficiary", flat=True)) == [file.pk, file.pk]


def test_booking_with_bad_input_says_what_to_fix_and_changes_nothing(login, world):
    BeneficiaryFactory(site=world.other_site, file_number="AUT-000001")
    client = login(world.mediator)
    response = client.post(
        reverse("appointments:book"),
        {
            "file_number": "AUT-000001",
            "date": "2027-03-28",
            "time": "10:00",
            "mediator": world.mediator.user.pk,
        },
    )
    assert response.status_code == 400
    assert "Aucun dossier de votre espace ne porte ce numéro." in response.content.decode()
    response = client.post(
        reverse("appointments:book"),
        {"walk_in_name": "Sami", "date": "2027-03-26", "time": "10:00", "mediator": ""},
    )
    assert "Choisissez la personne de l&#x27;équipe qui reçoit." in response.content.decode()
    response = client.post(
        reverse("appointments:book"),
        {
            "walk_in_name": "Sami",
            "date": "2027-03-26",
            "time": "10:00",
            "mediator": world.mediator.user.pk,
        },
    )
    assert "Vendredi saint, jour férié" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_file_of_another_site_in_the_link_is_a_404(login, world):
    other = BeneficiaryFactory(site=world.other_site)
    response = login(world.mediator).get(reverse("appointments:book") + f"?dossier={other.pk}")
    assert response.status_code == 404
