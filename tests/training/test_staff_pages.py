"""The programme and cohort pages: who may do what, the happy paths, constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.training.factories import (
    CohortFactory,
    CohortSessionFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    ProgrammeSessionFactory,
)
from tisser.accounts.enums import Role
from tisser.core.models import JournalEntry
from tisser.training.enums import SessionDiagnostic
from tisser.training.models import Cohort, CohortSession, Programme, ProgrammeSession


@pytest.fixture
def manager(site, member_factory):
    return member_factory(site, Role.SITE_MANAGER)


@pytest.fixture
def ready(network):
    programme = ProgrammeFactory(network=network, total_minutes=360, name="Parcours emploi")
    ProgrammeSessionFactory(
        programme=programme,
        position=1,
        duration_minutes=180,
        title="Accueil",
        diagnostic=SessionDiagnostic.ENTRY,
    )
    ProgrammeSessionFactory(
        programme=programme,
        position=2,
        duration_minutes=180,
        title="Bilan",
        diagnostic=SessionDiagnostic.EXIT,
    )
    return programme


def test_the_admin_builds_a_programme_and_its_plan(login, network_admin, network):
    client = login(network_admin)
    response = client.post(
        reverse("training:programme_create"),
        {
            "name": "Parcours numérique vers l'emploi",
            "objective": "Faire seul ses démarches.",
            "total_hours": "32",
            "target_participants": "400",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "eligible_public": "Demandeurs d'emploi",
            "completion_percent": "80",
            "is_active": "on",
        },
    )
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert programme.total_minutes == 1920
    client.post(
        reverse("training:plan_session_add", kwargs={"pk": programme.pk}),
        {"title": "Accueil", "duration_minutes": "240", "diagnostic": "entry"},
    )
    assert ProgrammeSession.objects.get().title == "Accueil"
    page = client.get(reverse("training:programme_detail", kwargs={"pk": programme.pk}))
    assert "Il manque 1680 minutes au déroulé (28 h)" in page.content.decode()


def test_a_refused_plan_session_shows_the_reason(login, network_admin, network):
    programme = ProgrammeFactory(network=network)
    ProgrammeSessionFactory(programme=programme, position=1, diagnostic=SessionDiagnostic.ENTRY)
    response = login(network_admin).post(
        reverse("training:plan_session_add", kwargs={"pk": programme.pk}),
        {"title": "Deux", "duration_minutes": "60", "diagnostic": "entry"},
    )
    assert response.status_code == 400
    assert "diagnostic d&#x27;entrée se fait à la première séance" in response.content.decode()
    assert ProgrammeSession.objects.count() == 1


def test_a_site_team_reads_the_networks_programmes(login, site, member_factory, ready):
    response = login(member_factory(site, Role.VOLUNTEER)).get(reverse("training:programme_list"))
    assert "Parcours emploi" in response.content.decode()


def test_the_manager_creates_a_cohort_and_sees_its_schedule(login, manager, ready, site):
    client = login(manager)
    response = client.post(
        reverse("training:cohort_create"),
        {
            "programme": ready.pk,
            "name": "Groupe de mars",
            "starts_on": "2026-03-30",
            "weekdays": ["0", "4"],
            "start_time": "09:00",
            "room": "Salle 1",
            "capacity": "12",
        },
    )
    cohort = Cohort.objects.get()
    assert response.status_code == 302, response.content.decode()
    assert cohort.sessions.count() == 2
    page = client.get(reverse("training:cohort_detail", kwargs={"pk": cohort.pk}))
    text = page.content.decode()
    # Friday 3 April 2026 is Good Friday in Strasbourg: the second session is on the 10th.
    assert "lundi 30 mars 2026" in text and "vendredi 10 avril 2026" in text
    assert "de 9 h à 12 h" in text and "Salle 1" in text
    assert "Déplacer" in text


def test_a_refused_cohort_says_why(login, manager, network):
    programme = ProgrammeFactory(network=network, total_minutes=600)
    ProgrammeSessionFactory(programme=programme, position=1, duration_minutes=60)
    response = login(manager).post(
        reverse("training:cohort_create"),
        {
            "programme": programme.pk,
            "name": "Groupe",
            "starts_on": "2026-03-30",
            "weekdays": ["0"],
            "start_time": "09:00",
            "capacity": "12",
        },
    )
    assert response.status_code == 400
    assert "Il manque 540 minutes" in response.content.decode()
    assert not Cohort.objects.exists()


def test_the_entry_and_exit_sessions_link_each_person_to_the_diagnostic(
    login, manager, ready, site
):
    cohort = CohortFactory(site=site, programme=ready)
    first, last = ready.plan.order_by("position")
    CohortSessionFactory(cohort=cohort, plan=first)
    CohortSessionFactory(
        cohort=cohort,
        plan=last,
        starts_at=datetime.datetime(2026, 3, 9, 9, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 3, 9, 12, tzinfo=datetime.UTC),
    )
    person = BeneficiaryFactory(site=site, first_name="Awa", last_name="Diallo")
    EnrolmentFactory(cohort=cohort, beneficiary=person)
    text = (
        login(manager)
        .get(reverse("training:cohort_detail", kwargs={"pk": cohort.pk}))
        .content.decode()
    )
    link = reverse("diagnostics:person", kwargs={"pk": person.pk})
    assert text.count(link) == 2
    assert "Commencer le diagnostic d'entrée de…" in text
    assert "Commencer le diagnostic de sortie de…" in text
    assert JournalEntry.objects.filter(action="training.cohort_viewed").exists()


def test_a_session_is_moved_from_its_page(login, site, member_factory, ready):
    cohort = CohortFactory(site=site, programme=ready)
    session = CohortSessionFactory(cohort=cohort, plan=ready.plan.get(position=1))
    client = login(member_factory(site, Role.MEDIATOR))
    url = reverse("training:session_move", kwargs={"pk": session.pk})
    refused = client.post(url, {"day": "2026-04-06", "time": "09:00"})
    assert refused.status_code == 400
    assert "Lundi de Pâques" in refused.content.decode()
    moved = client.post(url, {"day": "2026-03-03", "time": "14:00"})
    assert moved.status_code == 302
    session.refresh_from_db()
    assert session.moved_from is not None


def test_a_volunteer_reads_but_does_not_run(login, site, member_factory):
    cohort = CohortFactory(site=site)
    session = CohortSessionFactory(cohort=cohort)
    client = login(member_factory(site, Role.VOLUNTEER))
    page = client.get(reverse("training:cohort_detail", kwargs={"pk": cohort.pk}))
    assert page.status_code == 200
    assert "Déplacer" not in page.content.decode()
    response = client.post(
        reverse("training:session_move", kwargs={"pk": session.pk}),
        {"day": "2026-03-03", "time": "14:00"},
    )
    assert response.status_code == 403
    assert not CohortSession.objects.filter(moved_from__isnull=False).exists()


def test_another_sites_cohort_is_a_404(login, other_site, member_factory, site):
    cohort = CohortFactory(site=site)
    client = login(member_factory(other_site, Role.SITE_MANAGER))
    assert (
        client.get(reverse("training:cohort_detail", kwargs={"pk": cohort.pk})).status_code == 404
    )


def test_the_cohort_list_costs_the_same_at_1_and_25_rows(login, network_admin, network, site):
    client = login(network_admin)
    url = reverse("training:cohort_list")
    CohortFactory(site=site)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(24):
        cohort = CohortFactory(site=site)
        EnrolmentFactory(cohort=cohort)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(one)


def test_the_programme_list_costs_the_same_at_1_and_25_rows(login, network_admin, network):
    client = login(network_admin)
    url = reverse("training:programme_list")
    ProgrammeFactory(network=network)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(24):
        ProgrammeSessionFactory(programme=ProgrammeFactory(network=network), position=1)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


def test_the_cohort_page_costs_the_same_at_2_and_25_sessions(login, manager, site, network):
    programme = ProgrammeFactory(network=network, total_minutes=25 * 60)
    plan = [
        ProgrammeSessionFactory(programme=programme, position=n, duration_minutes=60)
        for n in range(1, 26)
    ]
    cohort = CohortFactory(site=site, programme=programme)
    EnrolmentFactory(cohort=cohort)

    def add_sessions(sessions):
        for plan_session in sessions:
            start = datetime.datetime(2026, 3, plan_session.position, 9, tzinfo=datetime.UTC)
            CohortSessionFactory(
                cohort=cohort,
                plan=plan_session,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=1),
            )

    add_sessions(plan[:2])
    client = login(manager)
    url = reverse("training:cohort_detail", kwargs={"pk": cohort.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_sessions(plan[2:])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)


def test_the_manager_cancels_a_cohort_from_its_page(login, manager, site):
    cohort = CohortFactory(site=site)
    response = login(manager).post(reverse("training:cohort_cancel", kwargs={"pk": cohort.pk}))
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.cancelled_at is not None


@pytest.mark.parametrize("role", [Role.NETWORK_ADMIN, Role.SITE_MANAGER])
def test_the_form_pages_open_with_labelled_fields(
    login, site, other_site, network, member_factory, role, ready
):
    member = member_factory(network if role == Role.NETWORK_ADMIN else site, role)
    client = login(member)
    cohort = CohortFactory(site=site, programme=ready)
    names = ["training:cohort_create", "training:cohort_list", "training:programme_list"]
    pages = [reverse(name) for name in names]
    pages.append(reverse("training:cohort_edit", kwargs={"pk": cohort.pk}))
    if role == Role.NETWORK_ADMIN:
        pages += [
            reverse("training:programme_create"),
            reverse("training:programme_edit", kwargs={"pk": ready.pk}),
            reverse("training:programme_detail", kwargs={"pk": ready.pk}),
            reverse("training:plan_session_edit", kwargs={"pk": ready.plan.first().pk}),
        ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    create = client.get(reverse("training:cohort_create")).content.decode()
    assert 'type="time"' in create and "Jours des séances" in create
    # The network admin chooses among the network's sites; the manager creates at theirs.
    assert ('name="site"' in create) == (role == Role.NETWORK_ADMIN)
