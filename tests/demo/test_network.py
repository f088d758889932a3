"""The demo network (``network`` profile, seeded once for the module): its shape, its logins."""

import itertools

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from tests.demo.helpers import logins_output
from tests.demo.helpers import network_snapshot as snapshot
from tests.demo.helpers import seed_network as seed
from tisser.accounts import demo
from tisser.accounts.enums import (
    ROLES_REQUIRING_TWO_FACTOR,
    FunderKind,
    HabilitationStatus,
    OrganisationKind,
    PartnerKind,
    PlaceService,
    Role,
)
from tisser.accounts.models import (
    Funder,
    Membership,
    OpeningHours,
    Organisation,
    Partner,
    Site,
    User,
)
from tisser.core.models import JournalEntry

pytestmark = pytest.mark.django_db


class _RolledBack(Exception):
    pass


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The ``network`` profile seeded once for this module, inside an outer transaction rolled
    back after its last test (as tests/demo/shared does with the ``ci`` profile). The tests
    that seed an empty database themselves live in test_network_seeding.py."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed()
            network = Organisation.objects.get(kind=OrganisationKind.NETWORK)
        except BaseException:
            outer.__exit__(_RolledBack, _RolledBack(), None)
            raise
    yield network
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def seeded(seeded_once, db):
    """The seeded network, inside this test's own (rolled back) transaction."""
    return seeded_once


def test_network_has_twelve_sites_in_nine_cities_the_twelfth_in_strasbourg(seeded):
    sites = Site.objects.filter(network=seeded)
    assert sites.count() == 12
    assert len(set(sites.values_list("city", flat=True))) == 9
    strasbourg = sites.get(city="Strasbourg")
    assert strasbourg.postal_code.startswith("67")
    assert strasbourg.pk == sites.order_by("pk").last().pk


def test_every_site_is_complete_and_located_in_metropolitan_france(seeded):
    for site in Site.objects.prefetch_related("opening_hours"):
        site.full_clean()
        assert site.address and site.phone and site.email and site.accessibility_notes
        assert 41 < site.latitude < 51.5 and -5.5 < site.longitude < 10, site.name
        assert site.services, site.name
        assert set(site.services) <= set(PlaceService.values)
        slots = list(site.opening_hours.all())
        assert slots, f"{site.name} has no opening hours"
        by_day: dict[int, list] = {}
        for slot in slots:
            by_day.setdefault(slot.weekday, []).append(slot)
        for day_slots in by_day.values():
            day_slots.sort(key=lambda slot: slot.opens_at)
            for before, after in itertools.pairwise(day_slots):
                assert before.closes_at <= after.opens_at, f"{site.name}: overlapping slots"


def test_sites_offer_morning_and_afternoon_slots(seeded):
    hours = OpeningHours.objects.all()
    assert hours.filter(opens_at__hour__lt=12).exists()
    assert hours.filter(opens_at__hour__gte=13).exists()


def test_partners_cover_the_bas_rhin_actors_and_every_habilitation_case(seeded):
    partners = Partner.objects.filter(network=seeded)
    kinds = set(partners.values_list("partner_kind", flat=True))
    assert {
        PartnerKind.FT,
        PartnerKind.CAF,
        PartnerKind.CCAS,
        PartnerKind.ML,
        PartnerKind.AUTRE,
        PartnerKind.CHRS,
        PartnerKind.CHU,
    } <= kinds
    bas_rhin_agencies = partners.filter(partner_kind=PartnerKind.FT, phone__startswith="03")
    assert bas_rhin_agencies.count() >= 3
    assert partners.filter(name="France Travail Strasbourg Hautepierre").exists()
    statuses = set(partners.values_list("habilitation_status", flat=True))
    assert {HabilitationStatus.NOT_SET, HabilitationStatus.REFUSED} <= statuses
    # Partners of the other spaces too, not only Strasbourg's.
    assert (
        partners.exclude(territory__icontains="Strasbourg")
        .exclude(territory__icontains="Bas-Rhin")
        .exclude(territory__icontains="Schiltigheim")
        .exists()
    )


def test_six_funders_of_the_press_release(seeded):
    funders = Funder.objects.filter(network=seeded)
    assert funders.count() == 6
    assert set(funders.values_list("funder_kind", flat=True)) == {
        FunderKind.OPERATOR,
        FunderKind.CITY,
        FunderKind.METROPOLIS,
        FunderKind.FOUNDATION,
        FunderKind.FAMILY_ALLOWANCE_FUND,
        FunderKind.EMPLOYMENT_SERVICE,
    }
    assert list(funders.filter(is_donor=True).values_list("funder_kind", flat=True)) == [
        FunderKind.OPERATOR
    ]
    assert funders.filter(name="Ville de Strasbourg", funder_kind=FunderKind.CITY).exists()
    assert funders.filter(name="Eurométropole de Strasbourg").exists()


def test_one_demo_login_per_role(seeded):
    assert sorted(login.role for login in demo.LOGINS) == sorted(Role.values)
    for login in demo.LOGINS:
        membership = Membership.objects.get(user__email=login.email, role=login.role)
        assert membership.organisation.name == login.organisation
        assert membership.is_active and membership.user.is_active
        assert not membership.user.is_staff and not membership.user.is_superuser


def test_demo_logins_sit_where_the_press_release_puts_them(seeded):
    def organisation_of(role):
        return Membership.objects.get(
            user__email__endswith="@demo.tisser.fr", role=role, user__email__in=_login_emails()
        ).organisation

    assert organisation_of(Role.NETWORK_ADMIN).pk == seeded.pk
    assert organisation_of(Role.SITE_MANAGER).specific.city == "Strasbourg"
    referrer_org = organisation_of(Role.PARTNER_REFERRER).specific
    assert referrer_org.partner_kind == PartnerKind.FT
    assert "Strasbourg" in referrer_org.name
    assert organisation_of(Role.FUNDER_VIEWER).name == "Ville de Strasbourg"


def _login_emails():
    return [login.email for login in demo.LOGINS]


def test_site_manager_has_a_second_membership_to_switch_to(seeded):
    memberships = Membership.objects.filter(user__email="responsable@demo.tisser.fr")
    assert memberships.count() == 2
    roles = {(m.organisation.name, m.role) for m in memberships.select_related("organisation")}
    assert (demo.STRASBOURG_SITE, Role.SITE_MANAGER) in roles
    assert any(role != Role.SITE_MANAGER for _name, role in roles)


def test_every_site_has_a_manager_and_a_team_of_mediators(seeded):
    for site in Site.objects.all():
        roles = list(site.memberships.values_list("role", flat=True))
        assert roles.count(Role.SITE_MANAGER) == 1, site.name
        assert roles.count(Role.MEDIATOR) >= 2, site.name


def test_demo_password_is_accepted_by_the_password_rules(seeded):
    assert len(demo.DEMO_PASSWORD) >= 12
    for login in demo.LOGINS:
        user = User.objects.get(email=login.email)
        validate_password(demo.DEMO_PASSWORD, user=user)
        assert user.check_password(demo.DEMO_PASSWORD)


def test_demo_mediator_signs_in_with_the_printed_password_then_enrols(seeded, client):
    response = client.post(
        reverse("account_login"),
        {"login": "mediateur@demo.tisser.fr", "password": demo.DEMO_PASSWORD},
    )
    assert response.status_code == 302
    # The mediator opens files: a passkey or an authenticator app comes first.
    assert client.get(reverse("workspace:home"))["Location"] == reverse("mfa_index")


def test_demo_funder_signs_in_with_the_printed_password_alone(seeded, client):
    funder = next(login for login in demo.LOGINS if login.role == Role.FUNDER_VIEWER)
    response = client.post(
        reverse("account_login"), {"login": funder.email, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    home = client.get(reverse("workspace:home"))
    assert home.status_code == 200
    assert funder.organisation in home.content.decode()


def test_seeding_writes_one_journal_entry(seeded):
    entries = JournalEntry.objects.filter(action="demo.seeded")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor is None
    assert entry.object_id == str(seeded.pk)
    assert entry.payload["sites"] == 12


def test_if_empty_does_nothing_when_an_organisation_exists(seeded):
    before = snapshot()
    journal_count = JournalEntry.objects.count()
    output = seed("--if-empty")
    assert "déjà" in output
    assert snapshot() == before
    assert JournalEntry.objects.count() == journal_count


def test_seeding_twice_without_if_empty_is_refused_and_changes_nothing(seeded):
    before = snapshot()
    with pytest.raises(CommandError, match="déjà des organisations"):
        seed()
    assert snapshot() == before


def test_demo_logins_prints_every_login_in_french(seeded):
    output = logins_output()
    assert "Comptes de démonstration" in output
    for login in demo.LOGINS:
        assert login.email in output
        assert str(Role(login.role).label) in output
        assert login.organisation in output
    assert demo.DEMO_PASSWORD in output
    assert "changez d'organisation" in output


def test_demo_logins_name_every_role_that_must_enrol_two_factors(seeded):
    [line] = [line for line in logins_output().splitlines() if "double authentification" in line]
    assert "clé d'accès ou application d'authentification" in line
    for role in Role:
        label = str(role.label).lower()
        assert (label in line) == (role in ROLES_REQUIRING_TWO_FACTOR), label


def test_demo_logins_prints_nothing_in_production(seeded):
    with override_settings(SETTINGS_MODULE="config.settings.prod"):
        assert logins_output() == ""


def test_readme_lists_the_same_demo_logins():
    from django.conf import settings

    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    assert demo.DEMO_PASSWORD in readme
    for login in demo.LOGINS:
        assert login.email in readme
        assert str(Role(login.role).label) in readme


def test_public_directory_lists_every_demo_space_with_its_page(seeded, client):
    directory = client.get(reverse("website:directory"))
    assert directory.status_code == 200
    html = directory.content.decode()
    for site in Site.objects.all():
        assert site.name in html
        assert client.get(site.get_absolute_url()).status_code == 200
