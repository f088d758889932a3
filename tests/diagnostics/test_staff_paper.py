"""The diagnostic on paper: the printed forms, the entry of the answers afterwards."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory
from tests.learners.factories import LearnerCardFactory
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.diagnostics import paper
from tisser.diagnostics.enums import DiagnosticStatus
from tisser.diagnostics.models import Diagnostic
from tisser.exercises import content
from tisser.exercises.models import Answer
from tisser.exercises.rendering import Shown

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


def recorded(sitting):
    answers = Answer.objects.filter(context_kind="diagnostic", context_id=str(sitting.pk))
    return sorted(answers.values_list("item_key", "response", "correct"))


def test_the_entered_answers_are_recorded_and_the_sitting_finishes(client, sitting):
    data = marks(q1="right", q2="right", q3="wrong", q4="dont_know")
    # Securite: a wrong answer and a « ne sait pas » stop nothing: the right answer counts.
    data.update(q5="wrong", q6="dont_know", q7="right", ctx_smartphone="non")
    response = client.post(entry_url(sitting), data)
    assert response.url == reverse("diagnostics:results", kwargs={"pk": sitting.pk})
    sitting.refresh_from_db()
    assert sitting.status == DiagnosticStatus.FINISHED and sitting.finished_at
    assert sitting.context == {"smartphone": "non"}
    assert recorded(sitting) == [
        ("diag-appareil-entry-1-1", {"paper": "right"}, True),
        ("diag-appareil-entry-2-1", {"paper": "right"}, True),
        ("diag-appareil-entry-3-1", {"paper": "wrong"}, False),
        ("diag-appareil-entry-4-1", {"paper": "dont_know"}, False),
        ("diag-securite-entry-1-1", {"paper": "wrong"}, False),
        ("diag-securite-entry-2-1", {"paper": "dont_know"}, False),
        ("diag-securite-entry-3-1", {"paper": "right"}, True),
    ]
    levels = dict(sitting.results.values_list("domain", "level"))
    assert levels["appareil"] == 2
    assert sitting.item_count == 7
    entry = JournalEntry.objects.get(action="diagnostic.paper_entered")
    assert entry.payload["after_stop"] == 0 and entry.payload["not_done"] == 1
    assert JournalEntry.objects.filter(action="diagnostic.finished").count() == 1


# --- the stop rule: two « Je ne sais pas » in a part, as printed -----------------------------

A1, A2, A3, A4 = (f"diag-appareil-entry-{level}-1" for level in (1, 2, 3, 4))
S1 = "diag-securite-entry-1-1"


@pytest.mark.parametrize(
    "given, kept, after_stop",
    [
        pytest.param(
            {"q1": "wrong", "q2": "wrong", "q3": "right", "q4": "right"},
            [A1, A2, A3, A4],
            0,
            id="two-wrong-answers-stop-nothing",
        ),
        pytest.param(
            {"q1": "dont_know", "q2": "dont_know", "q3": "right", "q4": "wrong", "q5": "right"},
            [A1, A2, S1],
            2,
            id="two-dont-knows-stop-the-part-not-the-next-one",
        ),
        pytest.param(
            {"q1": "wrong", "q2": "dont_know", "q3": "wrong", "q4": "right"},
            [A1, A2, A3, A4],
            0,
            id="a-wrong-answer-and-one-dont-know-do-not-stop",
        ),
        pytest.param(
            {"q1": "dont_know", "q2": "not_done", "q3": "right", "q4": "dont_know"},
            [A1, A3, A4],
            0,
            id="not-done-is-not-recorded-and-is-no-dont-know",
        ),
        pytest.param(
            {"q1": "right", "q2": "dont_know", "q3": "dont_know", "q4": "not_done"},
            [A1, A2, A3],
            0,
            id="the-rest-of-a-stopped-part-left-blank-is-not-done",
        ),
    ],
)
def test_a_part_stops_after_two_dont_knows_only(client, sitting, given, kept, after_stop):
    assert client.post(entry_url(sitting), marks(**given)).status_code == 302
    assert [key for key, _response, _correct in recorded(sitting)] == kept
    entry = JournalEntry.objects.get(action="diagnostic.paper_entered")
    assert entry.payload["after_stop"] == after_stop


def test_a_lucky_tick_after_two_wrong_answers_does_not_lift_the_level(client, sitting):
    """Every answer counts, and the estimate weighs each by its guess rate (½ for yes/no)."""
    client.post(entry_url(sitting), marks(q1="wrong", q2="wrong", q4="right"))
    sitting.refresh_from_db()
    assert dict(sitting.results.values_list("domain", "level"))["appareil"] == 0


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


# --- the correction grid and sheet (the team's only: the answer keys) -------------------------


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("choix-bouton-envoyer", "Envoyer"),
        ("oui-non-cadenas", "Oui"),
        ("zone-appli-messages", "Messages (bulle bleue)"),
        (
            "ordre-envoyer-photo",
            "Ouvrir l'application Messages → Choisir la personne → Toucher l'appareil photo et choisir la photo → Toucher « Envoyer »",
        ),
        (
            "formulaire-compte-caf",
            "Nom : « Martin » ; Prénom : « Élise » ; Code postal : « 67000 » ; Téléphone portable : 10 chiffres, commence par 06 ou 07 ; Situation : « Demandeur d'emploi » — la fiche : Nom : Martin ; Prénom : Élise ; Code postal : 67000 ; Téléphone : 06 12 34 56 78",
        ),
        (
            "messagerie-arnaque-colis",
            "Livraison-Colis <service@colis-suivi-24.biz> : URGENT : votre colis est bloqué",
        ),
        # A typed search without a sheet: the instruction says what to type.
        ("diag-informations-e1-1", "Votre recherche : d'après la consigne"),
        ("taper-adresse-mail", "Bonjour, je voudrais un rendez-vous."),
        ("geste-glisser", "Faire glisser : La photo, jusqu'à : L'album"),
    ],
)
def test_the_grid_says_the_right_answer_of_each_item_type(key, words):
    item = content.get_item(key)
    question = paper.PaperQuestion(number=1, domain="appareil", level=1, item=item)
    assert question.right_answer == words
    # The learner's feedback after a wrong answer reads the same words (the engine's).
    shown = Shown(item=item, attempt="")
    assert shown.right_label == ("" if item.type in ("order", "form", "pointer") else words)


def test_the_entry_page_shows_the_right_answer_under_each_question(client, sitting):
    page = client.get(entry_url(sitting)).content.decode()
    assert page.count("Bonne réponse : <strong>Oui</strong>") == 8
    assert correction_url(sitting) in page
    assert "après 2 « ne sait pas » dans une partie" in page


def correction_url(diagnostic):
    return reverse("diagnostics:paper_correction", kwargs={"pk": diagnostic.pk})


def test_the_correction_sheet_prints_each_question_s_right_answer_for_the_team(client, sitting):
    response = client.get(correction_url(sitting))
    assert response.status_code == 200
    text = pdf_text(response)
    assert "Corrigé — réservé à l'équipe" in text
    assert "Ne donnez pas cette feuille à la personne" in text
    assert sitting.beneficiary.file_number in text
    assert "8 (niveau 4)" in text and "9 (niveau" not in text
    assert "Se protéger" in text and "Chercher un emploi" not in text
    assert text.count("Oui") >= 8
    entry = JournalEntry.objects.get(action="diagnostic.correction_printed")
    assert entry.object_id == str(sitting.pk)


def test_the_correction_sheet_is_not_found_for_another_site_and_only_for_a_paper_sitting(
    client, login, sitting, person, other_site, member_factory
):
    login(member_factory(other_site, "mediator"))
    assert client.get(correction_url(sitting)).status_code == 404
    assisted = DiagnosticFactory(beneficiary=person, mode="assisted", kind="exit")
    login(member_factory(sitting.site, "volunteer"))
    assert client.get(correction_url(sitting)).status_code == 200
    not_on_paper = client.get(correction_url(assisted))
    assert not_on_paper.url == reverse("diagnostics:sitting", kwargs={"pk": assisted.pk})
    assert JournalEntry.objects.filter(action="diagnostic.correction_printed").count() == 1


def test_the_learner_never_gets_the_correction_sheet(sitting, person):
    card = LearnerCardFactory(beneficiary=person)
    learner = Client()
    assert learner.post("/apprendre/", {"code": card.code}).status_code == 302
    response = learner.get(correction_url(sitting))
    assert response.status_code == 404
    assert not JournalEntry.objects.filter(action="diagnostic.correction_printed").exists()
