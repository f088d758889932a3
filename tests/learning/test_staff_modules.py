"""The helper's pages for one person: catalogue, preview, giving modules, the follow-up,
the printed sheet, from the file, roles and journal (decision 0053)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.learning.factories import (
    LearnerGroupFactory,
    ModuleAssignmentFactory,
    ModuleProgressFactory,
    StepResultFactory,
)
from tisser.accounts.enums import Role
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.core.timeline import beneficiary_actions
from tisser.learners.services import card_issue
from tisser.learning import assignments
from tisser.learning.enums import StepOutcome
from tisser.learning.models import ModuleAssignment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("modules_content")]


@pytest.fixture
def person(site):
    return BeneficiaryFactory(site=site, first_name="Aïcha")


def url(name, **kwargs):
    return reverse(f"modules:{name}", kwargs=kwargs)


def _given(person):
    return list(
        ModuleAssignment.objects.filter(beneficiary=person, withdrawn_at__isnull=True)
        .order_by("position")
        .values_list("module_key", flat=True)
    )


# --- catalogue and preview -----------------------------------------------------------------


def test_the_catalogue_lists_every_module_with_its_facts(client, login, mediator):
    login(mediator)
    page = client.get(url("catalogue")).content.decode()
    for title in ("Allumer un téléphone", "Envoyer un courriel", "Repérer une arnaque"):
        assert title in page
    assert "Téléphone" in page and "Ordinateur" in page
    assert "20 min" in page
    assert url("preview", key="reperer-arnaque") in page


def test_the_preview_shows_each_step_and_saves_nothing(client, login, mediator):
    login(mediator)
    before = JournalEntry.objects.count()
    page = client.get(url("preview", key="reperer-arnaque"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Étape 1 — Explication" in text and "Repérer une arnaque : l&#x27;idée" in text
    assert "Affirmation 2." not in text  # the instruction is shown, never the answer
    assert "Répondez par oui ou par non." in text and "Relisez la carte." in text
    assert "Je sais dire." in text
    assert "Type d'exercice : Oui ou non." in text
    assert JournalEntry.objects.count() == before
    assert client.get(url("preview", key="pas-un-module")).status_code == 404


# --- giving modules --------------------------------------------------------------------------


def test_a_mediator_gives_modules_from_the_file_and_it_is_journaled(
    client, login, mediator, person
):
    login(mediator)
    response = client.post(
        url("person_assign", pk=person.pk), {"modules": ["reperer-arnaque", "envoyer-courriel"]}
    )
    assert response.status_code == 302
    assert _given(person) == ["reperer-arnaque", "envoyer-courriel"]
    entry = JournalEntry.objects.get(action="learning.assigned")
    assert entry.object_id == str(person.pk) and entry.site_id == person.site_id
    assert entry.payload["modules"] == ["reperer-arnaque", "envoyer-courriel"]
    # Given again with one more: the new one comes last, nothing doubles.
    client.post(
        url("person_assign", pk=person.pk), {"modules": ["reperer-arnaque", "creer-compte"]}
    )
    assert _given(person) == ["reperer-arnaque", "envoyer-courriel", "creer-compte"]


def test_an_unknown_module_or_none_gives_nothing(client, login, mediator, person):
    login(mediator)
    client.post(url("person_assign", pk=person.pk), {"modules": ["pas-un-module"]})
    client.post(url("person_assign", pk=person.pk), {})
    assert _given(person) == []
    with pytest.raises(DomainError):
        assignments.module_assign(actor=mediator, beneficiary=person, module_keys=["nope"])


def test_a_withdrawn_module_leaves_the_path_and_may_be_given_again(client, login, mediator, person):
    login(mediator)
    client.post(url("person_assign", pk=person.pk), {"modules": ["reperer-arnaque"]})
    client.post(url("person_withdraw", pk=person.pk), {"module": "reperer-arnaque"})
    assert _given(person) == []
    assert JournalEntry.objects.filter(action="learning.withdrawn").count() == 1
    client.post(url("person_assign", pk=person.pk), {"modules": ["reperer-arnaque"]})
    assert _given(person) == ["reperer-arnaque"]
    response = client.post(
        url("person_withdraw", pk=person.pk), {"module": "creer-compte"}, follow=True
    )
    assert "n&#x27;est pas donné" in response.content.decode()


def test_another_site_s_team_cannot_give_modules(other_site, member_factory, person):
    with pytest.raises(DomainError):
        assignments.module_assign(
            actor=member_factory(other_site, Role.MEDIATOR),
            beneficiary=person,
            module_keys=["reperer-arnaque"],
        )
    assert _given(person) == []


# --- the follow-up ---------------------------------------------------------------------------


def test_the_follow_up_shows_started_finished_time_and_failed_steps(
    client, login, mediator, person
):
    ModuleAssignmentFactory(beneficiary=person, module_key="reperer-arnaque", position=0)
    ModuleAssignmentFactory(beneficiary=person, module_key="creer-compte", position=1)
    done = ModuleProgressFactory(
        beneficiary=person, module_key="reperer-arnaque", finished=True, seconds_spent=600
    )
    StepResultFactory(progress=done, step_id="exo-1", outcome=StepOutcome.DONE, misses=1)
    StepResultFactory(progress=done, step_id="exo-2", outcome=StepOutcome.DONE)
    alone = ModuleProgressFactory(
        beneficiary=person, module_key="allumer-telephone", seconds_spent=120
    )
    StepResultFactory(progress=alone, step_id="exo-2", outcome=StepOutcome.SHOWN, misses=3)
    login(mediator)
    page = client.get(url("person", pk=person.pk)).content.decode()
    assert "Modules de Aïcha" in page
    assert "Terminé le" in page and "10 min" in page and "1 essai manqué" in page
    assert "Pas commencé" in page  # creer-compte
    assert "commencé seul" in page and "réponse montrée" in page and "2 min" in page
    # The given modules are not offered again.
    assert 'value="reperer-arnaque"' not in page.split("Donner des modules")[1]
    entry = JournalEntry.objects.get(action="learning.file_viewed")
    assert entry.object_id == str(person.pk)


def _count(client, person):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("person", pk=person.pk)).status_code == 200
    return len(queries)


def test_the_follow_up_costs_the_same_for_one_or_many_modules(client, login, mediator, person):
    login(mediator)
    group = LearnerGroupFactory(site=person.site)
    ModuleAssignmentFactory(beneficiary=person, module_key="reperer-arnaque", group=group)
    progress = ModuleProgressFactory(beneficiary=person, module_key="reperer-arnaque")
    StepResultFactory(progress=progress, outcome=StepOutcome.SHOWN)
    _count(client, person)
    one = _count(client, person)
    for key in ("creer-compte", "envoyer-courriel", "allumer-telephone"):
        ModuleAssignmentFactory(
            beneficiary=person, module_key=key, group=LearnerGroupFactory(site=person.site)
        )
        progress = ModuleProgressFactory(beneficiary=person, module_key=key, finished=True)
        StepResultFactory(progress=progress, step_id="exo-1", outcome=StepOutcome.SHOWN)
        StepResultFactory(progress=progress, step_id="exo-2", misses=2)
    assert _count(client, person) == one


# --- the printed sheet -----------------------------------------------------------------------


def test_the_sheet_prints_the_card_code_and_the_modules(client, login, mediator, person):
    card = card_issue(actor=mediator, beneficiary=person)
    assignments.module_assign(actor=mediator, beneficiary=person, module_keys=["reperer-arnaque"])
    login(mediator)
    response = client.get(url("person_sheet", pk=person.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert JournalEntry.objects.filter(
        action="learner_card.printed", object_id=str(card.pk)
    ).exists()
    entry = JournalEntry.objects.get(action="learning.sheet_printed")
    assert entry.payload == {"modules": ["reperer-arnaque"], "with_card": True}


def test_the_sheet_template_holds_the_code_only_when_the_card_works(mediator, person, rf):
    from django.template.loader import render_to_string

    from tisser.core.pdf import render_pdf  # noqa: F401  (the engine the view uses)

    card = card_issue(actor=mediator, beneficiary=person)
    from tisser.learners import codes

    html = render_to_string(
        "learning/pdf/sheet.html",
        {"first_name": "Aïcha", "lines": [], "code_groups": codes.groups(card.code), "qr": ""},
    )
    assert " ".join(codes.groups(card.code)) in html
    html = render_to_string("learning/pdf/sheet.html", {"first_name": "Aïcha", "lines": []})
    assert "Demandez-la à l'espace" in html


def test_a_network_admin_prints_the_sheet_without_the_code(
    client, login, network_admin, mediator, person
):
    card_issue(actor=mediator, beneficiary=person)
    login(network_admin)
    response = client.get(url("person_sheet", pk=person.pk))
    assert response.status_code == 200
    assert not JournalEntry.objects.filter(action="learner_card.printed").exists()
    assert JournalEntry.objects.get(action="learning.sheet_printed").payload["with_card"] is False


# --- from the file, roles --------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER])
def test_the_file_offers_modules_to_its_site_team(person, site, member_factory, role):
    actions = beneficiary_actions(person, member_factory(site, role))
    assert [a.url for a in actions if a.label == "Modules"] == [url("person", pk=person.pk)]


def test_the_file_does_not_offer_it_to_another_site_s_team(person, other_site, member_factory):
    actions = beneficiary_actions(person, member_factory(other_site, Role.MEDIATOR))
    assert "Modules" not in [a.label for a in actions]


@pytest.mark.parametrize("role", [Role.SITE_MANAGER, Role.VOLUNTEER])
def test_the_site_team_and_admins_open_the_person_s_modules(
    client, login, member_factory, site, network_admin, person, role
):
    login(member_factory(site, role))
    assert client.get(url("person", pk=person.pk)).status_code == 200
    login(network_admin)
    assert client.get(url("person", pk=person.pk)).status_code == 200


def test_another_site_s_file_is_not_found(client, login, other_site, member_factory, person):
    login(member_factory(other_site, Role.MEDIATOR))
    assert client.get(url("person", pk=person.pk)).status_code == 404
    assert (
        client.post(url("person_assign", pk=person.pk), {"modules": ["creer-compte"]}).status_code
        == 404
    )
    assert client.get(url("person_sheet", pk=person.pk)).status_code == 404
    assert _given(person) == []


@pytest.mark.parametrize("role", [Role.PARTNER_REFERRER, Role.FUNDER_VIEWER])
def test_other_roles_are_refused(client, login, member_factory, partner, funder, person, role):
    organisation = partner if role == Role.PARTNER_REFERRER else funder
    login(member_factory(organisation, role))
    assert client.get(url("catalogue")).status_code == 403
    assert client.get(url("person", pk=person.pk)).status_code in (403, 404)


def test_an_old_activity_is_shown_as_the_last_one(client, login, mediator, person):
    moment = timezone.now() - datetime.timedelta(days=3)
    ModuleProgressFactory(beneficiary=person, module_key="creer-compte", last_activity_at=moment)
    login(mediator)
    page = client.get(url("person", pk=person.pk)).content.decode()
    assert "Dernière activité le" in page
