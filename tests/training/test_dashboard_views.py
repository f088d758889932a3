"""The programme dashboard, the funder's export and the referring partner's list (helper D)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.referrals.factories import ReferralFactory
from tests.training.factories import (
    AttendanceFactory,
    CohortFactory,
    CohortSessionFactory,
    EnrolmentFactory,
    ProgrammeFactory,
)
from tisser.accounts.enums import Role
from tisser.core.models import JournalEntry
from tisser.training.enums import AttendanceStatus

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("training:dashboard")
EXPORT = reverse("training:dashboard_export")
PEOPLE = reverse("training:referred_people")


@pytest.fixture
def world(network, site, other_site, partner):
    programme = ProgrammeFactory(network=network, name="Parcours 32 h", target_participants=400)
    big = CohortFactory(site=site, programme=programme, name="Groupe du matin", capacity=20)
    small = CohortFactory(site=other_site, programme=programme, name="Groupe du soir")
    session = CohortSessionFactory(
        cohort=big, roll_call_at=timezone.now(),
        starts_at=timezone.make_aware(datetime.datetime(2026, 3, 2, 9)),
        ends_at=timezone.make_aware(datetime.datetime(2026, 3, 2, 13)),
    )  # fmt: skip
    ours = ReferralFactory(site=site, partner=partner)
    # A name Faker never draws: a random other person sharing the referred one's last name
    # made « not in page » fail now and then.
    referred = EnrolmentFactory(
        cohort=big, referral=ours, beneficiary__last_name="Orientée-Par-Le-Partenaire"
    )
    AttendanceFactory(session=session, enrolment=referred, status=AttendanceStatus.LATE,
                      minutes_missed=30)  # fmt: skip
    for _ in range(11):
        EnrolmentFactory(cohort=big)
    for _ in range(3):
        EnrolmentFactory(cohort=small)
    return {"programme": programme, "big": big, "small": small, "referred": referred}


def text(response):
    return response.content.decode()


def test_the_network_admin_sees_every_exact_figure(world, network, member_factory, login):
    client = login(member_factory(network, Role.NETWORK_ADMIN))
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    page = text(response)
    assert "Groupe du soir" in page and "Groupe du matin" in page
    assert "moins de 10" not in page
    assert '<td data-label="Inscrits">3</td>' in page
    assert '<td data-label="Inscrits">15</td>' in page  # the total
    assert "<svg" in page and "Les mêmes chiffres en tableau" in page


def test_a_site_manager_sees_their_sites_cohorts_only(world, other_site, member_factory, login):
    client = login(member_factory(other_site, Role.SITE_MANAGER))
    page = text(client.get(DASHBOARD, {"programme": world["programme"].pk}))
    assert "Groupe du soir" in page and "Groupe du matin" not in page


def test_the_funder_of_the_convention_sees_aggregates_under_the_rule(world, member_factory, login):
    funder = world["programme"].convention.funder
    client = login(member_factory(funder, Role.FUNDER_VIEWER))
    response = client.get(DASHBOARD, {"programme": world["programme"].pk})
    assert response.status_code == 200
    page = text(response)
    # 3 people in the evening group: hidden, and so is the next smallest (the morning's 12)
    # so that neither is the total (15) less the other; the total stays.
    assert '<td data-label="Inscrits">3</td>' not in page
    assert '<td data-label="Inscrits">12</td>' not in page
    assert '<td data-label="Inscrits">15</td>' in page
    assert "moins de 10" in page


def test_a_funder_of_another_convention_gets_a_404(world, network, member_factory, login):
    other = ProgrammeFactory(network=network).convention.funder
    client = login(member_factory(other, Role.FUNDER_VIEWER))
    assert client.get(DASHBOARD, {"programme": world["programme"].pk}).status_code == 404
    assert client.get(EXPORT, {"programme": world["programme"].pk}).status_code == 404


def test_a_partner_or_a_mediator_may_not_open_the_dashboard(
    world, partner, site, member_factory, login
):
    assert login(member_factory(partner, Role.PARTNER_REFERRER)).get(DASHBOARD).status_code == 403
    assert login(member_factory(site, Role.MEDIATOR)).get(DASHBOARD).status_code == 403


def test_the_export_holds_aggregates_under_the_rule_and_its_filters(world, member_factory, login):
    funder = world["programme"].convention.funder
    client = login(member_factory(funder, Role.FUNDER_VIEWER))
    response = client.get(EXPORT, {"programme": world["programme"].pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [
        [cell for cell in row if cell not in (None, "")]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert rows[0] == ["Programme", "Parcours 32 h"]
    assert ["Espace", "Tous"] in rows
    assert any(row and row[0] == "Exporté le" for row in rows)
    header = next(row for row in rows if row and row[0] == "Niveau")
    assert header[:3] == ["Niveau", "Nom", "Inscrits"]
    assert "Taux de présence (%)" in header
    table = {tuple(row[:2]): row for row in rows if row and row[0] in ("Groupe", "Espace", "Total")}
    assert table[("Groupe", "Groupe du soir")][2] == "moins de 10"
    assert table[("Groupe", "Groupe du matin")][2] == "moins de 10"
    assert table[("Total", "Total")][2:4] == [15, 400]
    flat = " ".join(str(cell) for row in rows for cell in row)
    referred = world["referred"].beneficiary
    assert referred.last_name not in flat


def test_the_partner_sees_the_people_it_referred_only_and_the_read_is_journaled(
    world, partner, member_factory, login
):
    client = login(member_factory(partner, Role.PARTNER_REFERRER))
    response = client.get(PEOPLE)
    assert response.status_code == 200
    page = text(response)
    referred = world["referred"].beneficiary
    assert f"{referred.first_name} {referred.last_name}" in page
    assert "3,5 h" in page  # 4 hours less 30 minutes late
    assert "Pas encore" in page
    others = world["big"].enrolments.exclude(pk=world["referred"].pk)
    for enrolment in others.select_related("beneficiary"):
        assert enrolment.beneficiary.last_name not in page
    entry = JournalEntry.objects.get(action="training.referred_people_viewed")
    assert entry.object_id == str(partner.pk)


def test_another_partner_sees_none_of_them(world, network, member_factory, login):
    from tests.accounts.factories import PartnerFactory

    client = login(member_factory(PartnerFactory(network=network), Role.PARTNER_REFERRER))
    page = text(client.get(PEOPLE))
    assert world["referred"].beneficiary.last_name not in page
    assert "Aucune personne" in page
