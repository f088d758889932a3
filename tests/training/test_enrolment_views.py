"""The enrolment pages: the cohort's list (constant queries), « Inscrire » from a file or an
accepted referral, « Abandon », and enrolment from the person's file; volunteers read only,
another site's cohort is a 404."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.accounts.factories import MembershipFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.training.enrolment_world import build_team
from tests.training.factories import EnrolmentFactory
from tisser.accounts.enums import Role
from tisser.core.models import JournalEntry
from tisser.referrals.enums import AppointmentKind
from tisser.referrals.models import Appointment
from tisser.training.enums import DropReason, EnrolmentStatus
from tisser.training.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(site, network):
    return build_team(site, network)


def list_url(cohort):
    return f"/espace-pro/formations/groupes/{cohort.pk}/inscriptions/"


def enrol_url(cohort):
    return f"/espace-pro/formations/groupes/{cohort.pk}/inscrire/"


def _count(client, cohort):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(list_url(cohort))
    assert response.status_code == 200
    return len(queries)


def test_the_list_shows_enrolled_then_waiting_in_constant_queries(client, login, team):
    login(team.mediator)
    EnrolmentFactory(cohort=team.cohort, referral=None, beneficiary__first_name="Awa")
    EnrolmentFactory(
        cohort=team.cohort,
        referral=None,
        status=EnrolmentStatus.WAITING,
        enrolled_at=None,
        waiting_since="2026-11-01T10:00Z",
        # A name Faker never draws for the 30 others (a random « Zoé » once sat on page 1).
        beneficiary__first_name="Zoé-Attente",
    )
    _count(client, team.cohort)
    one = _count(client, team.cohort)
    for _ in range(30):
        EnrolmentFactory(cohort=team.cohort)
    assert _count(client, team.cohort) == one
    page = html.unescape(client.get(list_url(team.cohort)).content.decode())
    assert "Awa" in page and 'data-label="Personne"' in page
    assert "Page 1 sur 2" in page
    second = html.unescape(client.get(list_url(team.cohort), {"page": 2}).content.decode())
    # Enrolled people first, the waiting list after them.
    assert "Zoé-Attente" in second and "Zoé-Attente" not in page
    assert "Liste d'attente, n° 1" in second
    assert 'href="' + enrol_url(team.cohort) + '"' in page
    assert JournalEntry.objects.filter(action="training.enrolments_viewed").exists()


def test_volunteers_read_only_and_other_sites_see_nothing(client, login, team, other_site):
    EnrolmentFactory(cohort=team.cohort, referral=None)
    login(team.volunteer)
    page = client.get(list_url(team.cohort)).content.decode()
    assert "/abandon/" not in page and enrol_url(team.cohort) not in page
    assert client.get(enrol_url(team.cohort)).status_code == 403
    login(MembershipFactory(organisation=other_site, role=Role.SITE_MANAGER))
    assert client.get(list_url(team.cohort)).status_code == 404


def test_enrol_a_file_found_by_name(client, login, team):
    login(team.manager)
    file = BeneficiaryFactory(site=team.site, first_name="Yasmina", last_name="Benali")
    page = client.get(enrol_url(team.cohort), {"q": "benal"}).content.decode()
    assert "Inscrire Yasmina Benali" in page
    response = client.post(enrol_url(team.cohort), {"id": str(file.pk)})
    assert response.status_code == 302
    assert Enrolment.objects.get(beneficiary=file).status == EnrolmentStatus.ENROLLED
    # Already in: the search no longer offers the person.
    again = client.get(enrol_url(team.cohort), {"q": "benal"}).content.decode()
    assert "Inscrire Yasmina Benali" not in again


def test_an_absurd_or_foreign_id_is_a_form_error(client, login, team, other_site):
    login(team.manager)
    assert client.post(enrol_url(team.cohort), {"id": "9" * 30}).status_code == 400
    foreign = BeneficiaryFactory(site=other_site)
    response = client.post(enrol_url(team.cohort), {"id": str(foreign.pk)})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_enrol_a_referral_person_with_a_new_file(client, login, team):
    login(team.mediator)
    referral = team.accepted_referral(first_name="Moussa", last_name="Traoré")
    page = client.get(enrol_url(team.cohort)).content.decode()
    assert "Inscrire Moussa Traoré" in page
    url = f"{enrol_url(team.cohort)}bon/{referral.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": "new"})
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(referral=referral)
    assert enrolment.beneficiary.first_name == "Moussa"
    planned = Appointment.objects.get(referral=referral, status="planned")
    assert planned.kind == AppointmentKind.SESSION
    assert "Inscrire Moussa Traoré" not in client.get(enrol_url(team.cohort)).content.decode()


def test_drop_out_form(client, login, team):
    login(team.manager)
    enrolment = EnrolmentFactory(cohort=team.cohort, referral=None)
    url = f"/espace-pro/formations/inscriptions/{enrolment.pk}/abandon/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "", "on": "2099-01-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "error-summary" in page and "Choisissez un motif" in page and "futur" in page
    response = client.post(
        url, {"reason": DropReason.HEALTH, "note": "", "on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.drop_reason) == (EnrolmentStatus.DROPPED, "health")


def test_enrol_from_the_file(client, login, team):
    login(team.mediator)
    file = BeneficiaryFactory(site=team.site)
    url = f"/espace-pro/formations/dossiers/{file.pk}/inscrire/"
    page = html.unescape(client.get(url).content.decode())
    assert team.cohort.name in page and team.cohort.programme.name in page
    response = client.post(url, {"id": str(team.cohort.pk)})
    assert response.status_code == 302
    assert Enrolment.objects.get(beneficiary=file).cohort == team.cohort
    assert "Déjà inscrit(e)" in client.get(url).content.decode()
