"""Programmes and their plan: the network admin's services, their refusals and journal."""

import datetime

import pytest

from tests.accounts.factories import FunderFactory, NetworkFactory, PartnerFactory
from tests.funding.factories import ConventionFactory
from tests.training.factories import (
    CohortFactory,
    ProgrammeFactory,
    ProgrammeSessionFactory,
)
from tisser.accounts.enums import Role
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.training import programmes
from tisser.training.enums import SessionDiagnostic
from tisser.training.models import Programme, ProgrammeSession

MODULE = "attestation-telephone"


@pytest.fixture
def admin(network, member_factory):
    return member_factory(network, Role.NETWORK_ADMIN)


@pytest.fixture
def programme(admin):
    return ProgrammeFactory(network=admin.organisation, total_minutes=600)


def data(network, **overrides):
    values = {
        "name": "Parcours numérique vers l'emploi",
        "objective": "Faire seul ses démarches en ligne.",
        "total_minutes": 32 * 60,
        "target_participants": 400,
        "starts_on": datetime.date(2026, 1, 1),
        "ends_on": datetime.date(2026, 12, 31),
        "eligible_public": "Demandeurs d'emploi",
        "partner": PartnerFactory(network=network),
        "convention": ConventionFactory(funder=FunderFactory(network=network)),
    }
    values.update(overrides)
    return values


def add(admin, programme, minutes=240, **extra):
    return programmes.plan_session_add(
        actor=admin,
        programme=programme,
        data={"title": extra.pop("title", "Séance"), "duration_minutes": minutes, **extra},
        position=extra.pop("position", None) if "position" in extra else None,
    )


def plan_titles(programme):
    return list(
        ProgrammeSession.objects.filter(programme=programme)
        .order_by("position")
        .values_list("title", flat=True)
    )


def test_an_admin_creates_a_programme_of_their_network_journaled(admin, network):
    programme = programmes.programme_create(actor=admin, data=data(network))
    assert programme.network_id == network.pk
    assert programme.total_minutes == 1920
    assert JournalEntry.objects.filter(
        action="training.programme_created", object_id=str(programme.pk)
    ).exists()


@pytest.mark.parametrize("role", [Role.SITE_MANAGER, Role.MEDIATOR, Role.ACCOUNTANT])
def test_only_a_network_admin_manages_programmes(network, site, member_factory, role):
    organisation = network if role == Role.ACCOUNTANT else site
    actor = member_factory(organisation, role)
    with pytest.raises(DomainError, match="administrateur du réseau"):
        programmes.programme_create(actor=actor, data=data(network))
    assert not Programme.objects.exists()


def test_partner_and_convention_must_be_of_the_network(admin, network):
    other = NetworkFactory(name="Autre réseau")
    with pytest.raises(DomainError, match="partenaire de votre réseau"):
        programmes.programme_create(
            actor=admin, data=data(network, partner=PartnerFactory(network=other))
        )
    foreign_convention = ConventionFactory(funder=FunderFactory(network=other))
    with pytest.raises(DomainError, match="convention d'un financeur de votre réseau"):
        programmes.programme_create(actor=admin, data=data(network, convention=foreign_convention))
    assert not Programme.objects.exists()


def test_another_networks_admin_cannot_update(programme, member_factory):
    stranger = member_factory(NetworkFactory(name="Autre réseau"), Role.NETWORK_ADMIN)
    with pytest.raises(DomainError, match="votre réseau"):
        programmes.programme_update(actor=stranger, programme=programme, data={"name": "X"})


def test_update_journals_the_changed_fields(admin, programme):
    programmes.programme_update(
        actor=admin, programme=programme, data={"name": "Nouveau nom", "target_participants": 400}
    )
    entry = JournalEntry.objects.get(action="training.programme_updated")
    assert entry.payload["fields"] == ["name"]
    programme.refresh_from_db()
    assert programme.name == "Nouveau nom"


def test_the_page_says_how_many_minutes_are_missing_or_too_many(admin, programme):
    add(admin, programme, 240)
    plan = list(programme.plan.all())
    balance = programmes.plan_balance(programme, plan)
    assert balance.difference == -360
    assert "Il manque 360 minutes au déroulé (6 h)" in balance.message
    add(admin, programme, 420)
    balance = programmes.plan_balance(programme, list(programme.plan.all()))
    assert "60 minutes de trop (1 h)" in balance.message
    assert programmes.plan_problems(programme, list(programme.plan.all()))


def test_a_plan_that_adds_up_is_ready(admin, programme):
    add(admin, programme, 300, diagnostic=SessionDiagnostic.ENTRY)
    add(admin, programme, 300, diagnostic=SessionDiagnostic.EXIT)
    plan = list(programme.plan.all())
    assert programmes.plan_balance(programme, plan).is_complete
    assert programmes.plan_problems(programme, plan) == []


def test_sessions_are_inserted_moved_and_removed_in_order(admin, programme):
    for title in ("A", "B", "C"):
        add(admin, programme, 60, title=title)
    programmes.plan_session_add(
        actor=admin, programme=programme, data={"title": "Z", "duration_minutes": 60}, position=1
    )
    assert plan_titles(programme) == ["Z", "A", "B", "C"]
    z = ProgrammeSession.objects.get(programme=programme, title="Z")
    programmes.plan_session_move(actor=admin, session=z, position=4)
    assert plan_titles(programme) == ["A", "B", "C", "Z"]
    programmes.plan_session_move(actor=admin, session=z, position=2)
    assert plan_titles(programme) == ["A", "Z", "B", "C"]
    programmes.plan_session_remove(
        actor=admin, session=ProgrammeSession.objects.get(programme=programme, title="A")
    )
    assert plan_titles(programme) == ["Z", "B", "C"]
    assert list(programme.plan.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {
        "training.plan_session_added",
        "training.plan_session_moved",
        "training.plan_session_removed",
    } <= actions


def test_entry_diagnostic_only_on_the_first_session_exit_only_on_the_last(admin, programme):
    add(admin, programme, 60, title="Premier", diagnostic=SessionDiagnostic.ENTRY)
    with pytest.raises(DomainError, match="diagnostic d'entrée se fait à la première"):
        add(admin, programme, 60, title="Deux", diagnostic=SessionDiagnostic.ENTRY)
    last = add(admin, programme, 60, title="Dernier", diagnostic=SessionDiagnostic.EXIT)
    # A session appended after the exit diagnostic would leave it in the middle.
    with pytest.raises(DomainError, match="diagnostic de sortie se fait à la dernière"):
        add(admin, programme, 60, title="Après")
    # Inserted before it, it is fine.
    programmes.plan_session_add(
        actor=admin,
        programme=programme,
        data={"title": "Milieu", "duration_minutes": 60},
        position=2,
    )
    with pytest.raises(DomainError, match="diagnostic de sortie"):
        programmes.plan_session_move(actor=admin, session=last, position=1)
    assert plan_titles(programme) == ["Premier", "Milieu", "Dernier"]


def test_module_keys_must_exist_in_the_content(admin, programme):
    session = add(admin, programme, 60, modules=[MODULE, MODULE])
    assert session.modules == [MODULE]
    with pytest.raises(DomainError, match="n'existent pas : pas-un-module"):
        programmes.plan_session_update(
            actor=admin, session=session, data={"modules": [MODULE, "pas-un-module"]}
        )


def test_durations_are_bounded(admin, programme):
    with pytest.raises(DomainError, match="de 15 minutes à 10 h"):
        add(admin, programme, 10)
    with pytest.raises(DomainError, match="de 15 minutes"):
        add(admin, programme, 601)


def test_once_a_cohort_runs_it_the_plan_shape_is_frozen(admin, programme, site):
    session = ProgrammeSessionFactory(programme=programme, position=1, duration_minutes=600)
    CohortFactory(programme=programme, site=site)
    with pytest.raises(DomainError, match="Des groupes suivent déjà ce programme"):
        add(admin, programme, 60)
    with pytest.raises(DomainError, match="Des groupes suivent déjà"):
        programmes.plan_session_update(actor=admin, session=session, data={"duration_minutes": 300})
    with pytest.raises(DomainError, match="Des groupes suivent déjà"):
        programmes.plan_session_remove(actor=admin, session=session)
    with pytest.raises(DomainError, match="Des groupes suivent déjà"):
        programmes.programme_update(actor=admin, programme=programme, data={"total_minutes": 60})
    # The words can still change.
    programmes.plan_session_update(
        actor=admin, session=session, data={"title": "Bienvenue", "modules": [MODULE]}
    )
    session.refresh_from_db()
    assert (session.title, session.modules) == ("Bienvenue", [MODULE])


def test_the_programmes_modules_in_plan_order_once_each(admin, programme):
    add(admin, programme, 60, title="Un", modules=["ecran-tactile", MODULE])
    add(admin, programme, 60, title="Deux", modules=[MODULE, "chercher-information"])
    assert programmes.programme_module_keys(programme) == [
        "ecran-tactile",
        MODULE,
        "chercher-information",
    ]
