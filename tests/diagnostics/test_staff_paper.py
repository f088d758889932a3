"""The diagnostic on paper: the printed forms, the entry of the answers afterwards."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.diagnostics import paper
from tisser.diagnostics.enums import DiagnosticStatus
from tisser.diagnostics.models import Diagnostic
from tisser.exercises.models import Answer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("skills_content")]


@pytest.fixture
def person(site):
    return BeneficiaryFactory(site=site)


@pytest.fixture
def sitting(client, login, mediator, person):
    login(mediator)
    client.post(
        reverse("diagnostics:start", kwargs={"pk": person.pk}), {"kind": "entry", "mode": "paper"}
    )
    return Diagnostic.objects.get(beneficiary=person)


def entry_url(diagnostic):
    return reverse("diagnostics:paper_entry", kwargs={"pk": diagnostic.pk})


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


# --- the route --------------------------------------------------------------------------------


def test_the_paper_route_is_one_item_per_domain_and_level_from_1_to_4_in_order():
    route = paper.paper_route("entry")
    cells = [(q.domain, q.level) for q in route]
    assert cells == [
        (d, level) for d in ("appareil", "securite", "emploi") for level in (1, 2, 3, 4)
    ]
    assert [q.number for q in route] == list(range(1, 13))
    assert [q.item.key for q in route[:2]] == ["diag-appareil-entry-1-1", "diag-appareil-entry-2-1"]
    assert not {q.item.key for q in route} & {q.item.key for q in paper.paper_route("exit")}


def test_a_sitting_s_paper_route_keeps_its_domains_and_the_printed_numbers(person):
    diagnostic = DiagnosticFactory(beneficiary=person, mode="paper", domains=["securite"])
    assert [q.number for q in paper.sitting_route(diagnostic)] == [5, 6, 7, 8]


# --- the printed forms ------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["entree", "sortie"])
def test_each_form_prints_in_plain_french(client, login, mediator, form):
    login(mediator)
    response = client.get(reverse("diagnostics:paper_pdf", kwargs={"form": form}))
    assert response.status_code == 200
    text = pdf_text(response)
    assert "Question 1" in text and "Question 12" in text and "Question 13" not in text
    assert "Je ne sais pas" in text
    assert "passez à la partie suivante" in text
    assert "Avez-vous un smartphone ?" in text
    assert "seulement pour les personnes qui cherchent un emploi" in text
    kind = "entry" if form == "entree" else "exit"
    assert f"Question diag-appareil-{kind}-1-1" in text
    assert f"diag-appareil-{kind}-0-1" not in text  # level 0 is what failing level 1 gives
    assert "Diagnostic d'entrée · questionnaire" in text or kind == "exit"


def test_an_unknown_form_is_not_found(client, login, mediator):
    login(mediator)
    assert client.get(reverse("diagnostics:paper_pdf", kwargs={"form": "autre"})).status_code == 404


# --- entering the answers ---------------------------------------------------------------------


def marks(**given):
    """Every printed question of a non-jobseeker's sitting (1 to 8), « non fait » unless given."""
    data = {f"q{number}": "not_done" for number in range(1, 9)}
    data.update(given)
    return data


def test_starting_on_paper_leads_to_the_entry_page(client, sitting):
    assert sitting.mode == "paper"
    response = client.get(reverse("diagnostics:sitting", kwargs={"pk": sitting.pk}))
    assert response.url == entry_url(sitting)
    page = client.get(entry_url(sitting)).content.decode()
    assert "Question 8 (niveau 4)" in page and "Question 9" not in page
    assert "Ne sait pas" in page and "Non fait" in page


def test_the_entered_answers_are_recorded_and_the_sitting_finishes(client, sitting):
    data = marks(q1="right", q2="right", q3="wrong", q4="dont_know")
    # Securite: two errors, then an answer that no longer counts (the domain stopped).
    data.update(q5="wrong", q6="dont_know", q7="right", ctx_smartphone="non")
    response = client.post(entry_url(sitting), data)
    assert response.url == reverse("diagnostics:results", kwargs={"pk": sitting.pk})
    sitting.refresh_from_db()
    assert sitting.status == DiagnosticStatus.FINISHED and sitting.finished_at
    assert sitting.context == {"smartphone": "non"}
    answers = Answer.objects.filter(context_kind="diagnostic", context_id=str(sitting.pk))
    assert sorted(answers.values_list("item_key", "response", "correct")) == [
        ("diag-appareil-entry-1-1", {"paper": "right"}, True),
        ("diag-appareil-entry-2-1", {"paper": "right"}, True),
        ("diag-appareil-entry-3-1", {"paper": "wrong"}, False),
        ("diag-appareil-entry-4-1", {"paper": "dont_know"}, False),
        ("diag-securite-entry-1-1", {"paper": "wrong"}, False),
        ("diag-securite-entry-2-1", {"paper": "dont_know"}, False),
    ]
    levels = dict(sitting.results.values_list("domain", "level"))
    assert levels == {"appareil": 2, "securite": 0}
    assert sitting.item_count == 6
    entry = JournalEntry.objects.get(action="diagnostic.paper_entered")
    assert entry.payload["after_stop"] == 1 and entry.payload["not_done"] == 1
    assert JournalEntry.objects.filter(action="diagnostic.finished").count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        (marks(q1="juste"), "Indiquez « juste »"),
        ({"q1": "right"}, "Indiquez « juste »"),
        (marks(), "saisissez au moins une réponse"),
        (marks(q1="right", ctx_smartphone="peut-etre"), "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_gets_a_french_message_and_changes_nothing(client, sitting, data, message):
    response = client.post(entry_url(sitting), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    sitting.refresh_from_db()
    assert sitting.status == DiagnosticStatus.IN_PROGRESS and sitting.context == {}
    assert not Answer.objects.exists() and not sitting.results.exists()
    assert not JournalEntry.objects.filter(action="diagnostic.paper_entered").exists()


def test_the_service_refuses_a_sitting_that_is_not_on_paper(person, mediator):
    diagnostic = DiagnosticFactory(beneficiary=person, mode="assisted", domains=["appareil"])
    with pytest.raises(DomainError):
        paper.diagnostic_paper_enter(
            actor=mediator,
            diagnostic=diagnostic,
            marks={1: "right", 2: "wrong", 3: "wrong", 4: "wrong"},
        )
    assert not Answer.objects.exists()
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.IN_PROGRESS


def test_the_service_refuses_another_site_s_team(person, other_site, member_factory):
    diagnostic = DiagnosticFactory(beneficiary=person, mode="paper", domains=["appareil"])
    with pytest.raises(DomainError):
        paper.diagnostic_paper_enter(
            actor=member_factory(other_site, "mediator"),
            diagnostic=diagnostic,
            marks={1: "right", 2: "right", 3: "right", 4: "right"},
        )
    assert not Answer.objects.exists()


def test_a_finished_paper_sitting_cannot_be_entered_again(client, sitting):
    client.post(entry_url(sitting), marks(q1="right"))
    again = client.post(entry_url(sitting), marks(q1="wrong", q2="right"))
    assert again.status_code == 302
    assert Answer.objects.count() == 1


def test_a_paper_that_never_comes_back_is_stopped_by_a_mediator_not_a_volunteer(
    client, login, sitting, site, member_factory
):
    stop = reverse("diagnostics:abandon", kwargs={"pk": sitting.pk})
    assert "Arrêter ce diagnostic" in client.get(entry_url(sitting)).content.decode()
    login(member_factory(site, "volunteer"))
    assert "Arrêter ce diagnostic" not in client.get(entry_url(sitting)).content.decode()
    client.post(stop)
    sitting.refresh_from_db()
    assert sitting.status == DiagnosticStatus.IN_PROGRESS
    login(member_factory(site, "mediator"))
    client.post(stop)
    sitting.refresh_from_db()
    assert sitting.status == DiagnosticStatus.ABANDONED
    assert JournalEntry.objects.filter(action="diagnostic.abandoned").count() == 1
