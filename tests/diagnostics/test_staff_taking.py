"""The team's side of taking the diagnostic: from the file, assisted sitting, roles, journal."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory, DiagnosticResultFactory
from tisser.accounts.enums import Role
from tisser.core.models import JournalEntry
from tisser.core.timeline import beneficiary_actions
from tisser.diagnostics.enums import DiagnosticStatus
from tisser.diagnostics.models import Diagnostic
from tisser.diagnostics.services import diagnostic_next
from tisser.exercises.models import Answer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("skills_content")]


@pytest.fixture
def person(site):
    return BeneficiaryFactory(site=site)


def url(name, **kwargs):
    return reverse(f"diagnostics:{name}", kwargs=kwargs)


def start(client, person, kind="entry", mode="assisted"):
    return client.post(url("start", pk=person.pk), {"kind": kind, "mode": mode})


# --- from the file --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER])
def test_the_file_offers_the_diagnostic_to_its_site_team(person, site, member_factory, role):
    actions = beneficiary_actions(person, member_factory(site, role))
    assert [a.url for a in actions if a.label == "Diagnostic des compétences"] == [
        url("person", pk=person.pk)
    ]


def test_the_file_does_not_offer_it_to_another_site_s_team(person, other_site, member_factory):
    actions = beneficiary_actions(person, member_factory(other_site, Role.MEDIATOR))
    assert "Diagnostic des compétences" not in [a.label for a in actions]


def test_a_mediator_starts_an_assisted_entry_diagnostic_from_the_file(
    client, login, mediator, person
):
    login(mediator)
    page = client.get(url("person", pk=person.pk))
    assert page.status_code == 200
    assert "Commencer un diagnostic" in page.content.decode()
    response = start(client, person)
    diagnostic = Diagnostic.objects.get(beneficiary=person)
    assert (diagnostic.kind, diagnostic.mode, diagnostic.started_by) == (
        "entry",
        "assisted",
        mediator.user,
    )
    assert response.url == url("sitting", pk=diagnostic.pk)
    # The context questions come first, entered by the mediator.
    assert client.get(response.url).url == url("context", pk=diagnostic.pk)
    assert JournalEntry.objects.filter(action="diagnostic.started").count() == 1
    assert JournalEntry.objects.filter(action="diagnostic.file_viewed").count() == 1


def test_an_open_sitting_is_resumed_not_started_twice(client, login, mediator, person):
    login(mediator)
    start(client, person)
    page = client.get(url("person", pk=person.pk)).content.decode()
    assert "Reprendre" in page
    again = start(client, person)
    assert Diagnostic.objects.filter(beneficiary=person).count() == 1
    assert again.url == url("sitting", pk=Diagnostic.objects.get().pk)


def test_a_bad_start_choice_starts_nothing(client, login, mediator, person):
    login(mediator)
    response = start(client, person, mode="alone")
    assert response.url == url("person", pk=person.pk)
    assert not Diagnostic.objects.exists()


# --- the assisted sitting --------------------------------------------------------------------


def test_the_assisted_sitting_asks_context_then_items_without_feedback_until_the_end(
    client, login, mediator, person
):
    login(mediator)
    start(client, person)
    diagnostic = Diagnostic.objects.get()
    context_page = client.get(url("context", pk=diagnostic.pk))
    assert "Avez-vous un smartphone ?" in context_page.content.decode()
    bad = client.post(url("context", pk=diagnostic.pk), {"ctx_smartphone": "peut-etre"})
    assert bad.status_code == 400
    diagnostic.refresh_from_db()
    assert diagnostic.context == {}
    saved = client.post(
        url("context", pk=diagnostic.pk), {"ctx_smartphone": "oui", "ctx_internet": "non"}
    )
    assert saved.url == url("question", pk=diagnostic.pk)
    diagnostic.refresh_from_db()
    assert diagnostic.context == {"smartphone": "oui", "internet": "non"}

    first = client.get(saved.url)
    html = first.content.decode()
    assert "Question 1" in html and "Écouter" in html and "Je ne sais pas" in html
    position = 1
    while (item := diagnostic_next(diagnostic)) is not None:
        data = {"item": item.key, "attempt": f"a{position}"}
        if position == 2:
            data["dont_know"] = "1"
        else:
            data["answer"] = "oui" if item.level <= 2 else "non"
        response = client.post(url("question", pk=diagnostic.pk), data)
        assert response.status_code == 302
        page = client.get(url("question", pk=diagnostic.pk), follow=True).content.decode()
        assert "Bravo" not in page and "Ce n'est pas encore ça" not in page
        position += 1
        diagnostic.refresh_from_db()
        if diagnostic.status == DiagnosticStatus.IN_PROGRESS:
            assert f"Question {position}" in page
    assert diagnostic.status == DiagnosticStatus.FINISHED
    # The last answer leads to the results, to read them with the person.
    assert response.url == url("question", pk=diagnostic.pk)
    assert client.get(response.url).url == url("results", pk=diagnostic.pk)
    assert Answer.objects.filter(response={"dont_know": True}).count() == 1
    assert {r.domain for r in diagnostic.results.all()} == set(diagnostic.domains)
    assert JournalEntry.objects.filter(action="diagnostic.answer_entered").count() == position - 1


def test_an_answer_to_a_question_already_passed_saves_nothing(client, login, mediator, person):
    login(mediator)
    start(client, person)
    diagnostic = Diagnostic.objects.get()
    item = diagnostic_next(diagnostic)
    client.post(
        url("question", pk=diagnostic.pk), {"item": item.key, "attempt": "x1", "answer": "oui"}
    )
    stale = client.post(
        url("question", pk=diagnostic.pk), {"item": item.key, "attempt": "x2", "answer": "non"}
    )
    assert stale.status_code == 302
    assert Answer.objects.count() == 1 and Answer.objects.get().correct


def test_an_unreadable_answer_is_asked_again_and_saves_nothing(client, login, mediator, person):
    login(mediator)
    start(client, person)
    diagnostic = Diagnostic.objects.get()
    item = diagnostic_next(diagnostic)
    response = client.post(
        url("question", pk=diagnostic.pk), {"item": item.key, "attempt": "y1", "answer": "bof"}
    )
    assert response.status_code == 400
    assert "Répondez avant de valider" in response.content.decode()
    assert not Answer.objects.exists()


def test_a_finished_sitting_takes_no_more_answers(client, login, mediator, person):
    diagnostic = DiagnosticFactory(beneficiary=person, mode="assisted", finished=True)
    login(mediator)
    response = client.post(url("question", pk=diagnostic.pk), {"item": "x", "answer": "oui"})
    assert response.url == url("results", pk=diagnostic.pk)
    assert not Answer.objects.exists()


# --- roles and scope -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER])
def test_the_site_team_may_run_a_sitting(client, login, member_factory, site, person, role):
    login(member_factory(site, role))
    assert start(client, person).status_code == 302
    assert Diagnostic.objects.filter(beneficiary=person).exists()


def test_a_network_admin_may_run_a_sitting(client, login, network_admin, person):
    login(network_admin)
    assert client.get(url("person", pk=person.pk)).status_code == 200
    assert start(client, person, kind="exit", mode="paper").status_code == 302
    diagnostic = Diagnostic.objects.get(beneficiary=person)
    assert (diagnostic.kind, diagnostic.mode) == ("exit", "paper")
    assert client.get(url("paper_entry", pk=diagnostic.pk)).status_code == 200


def test_another_site_s_file_and_sitting_are_not_found(
    client, login, member_factory, other_site, person
):
    diagnostic = DiagnosticFactory(beneficiary=person, mode="assisted")
    login(member_factory(other_site, Role.MEDIATOR))
    assert client.get(url("person", pk=person.pk)).status_code == 404
    assert start(client, person).status_code == 404
    for name in ("sitting", "context", "question", "paper_entry"):
        assert client.get(url(name, pk=diagnostic.pk)).status_code == 404
    assert Diagnostic.objects.count() == 1


@pytest.mark.parametrize("role", [Role.PARTNER_REFERRER, Role.FUNDER_VIEWER])
def test_other_roles_are_refused(client, login, member_factory, partner, funder, person, role):
    organisation = partner if role == Role.PARTNER_REFERRER else funder
    login(member_factory(organisation, role))
    assert client.get(url("person", pk=person.pk)).status_code in (403, 404)
    assert client.get(url("preview_list")).status_code == 403


# --- the person's list ---------------------------------------------------------------------


def _count(client, person):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("person", pk=person.pk)).status_code == 200
    return len(queries)


def test_the_person_s_list_costs_the_same_for_one_or_many_sittings(client, login, mediator, person):
    login(mediator)
    DiagnosticResultFactory(diagnostic__beneficiary=person)
    _count(client, person)  # the first page of a session reads what is cached after
    one = _count(client, person)
    for _ in range(6):
        finished = DiagnosticFactory(beneficiary=person, finished=True, kind="exit")
        DiagnosticResultFactory(diagnostic=finished, domain="appareil", level=3)
        DiagnosticResultFactory(diagnostic=finished, domain="securite", level=1)
    assert _count(client, person) == one
    page = client.get(url("person", pk=person.pk)).content.decode()
    assert "Utiliser un appareil : 3" in page
