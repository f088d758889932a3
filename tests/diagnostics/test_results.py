"""The team's results page of a finished diagnostic and the one-page printout."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.beneficiaries.factories import AccompanimentPeriodFactory, BeneficiaryFactory
from tests.diagnostics.builders import answer, at, finished
from tests.diagnostics.factories import DiagnosticFactory
from tisser.accounts.enums import Role
from tisser.core.models import JournalEntry
from tisser.diagnostics.enums import DiagnosticKind
from tisser.diagnostics.results import (
    DomainLevel,
    diagnostic_results,
    recommended_path,
    response_in_words,
    sitting_answers,
)
from tisser.exercises import content

pytestmark = pytest.mark.django_db

ENTRY = {"appareil": 2, "informations": 1, "communiquer": 0, "demarches": 3, "securite": 1}
EXIT = {"appareil": 3, "informations": 1, "communiquer": 2, "demarches": 2, "securite": 3}


@pytest.fixture
def person(site):
    return BeneficiaryFactory(site=site, first_name="Aïcha")


@pytest.fixture
def pair(person, site):
    period = AccompanimentPeriodFactory(beneficiary=person, site=site)
    entry = finished(person, ENTRY, when=at(2), period=period)
    exit_ = finished(person, EXIT, kind=DiagnosticKind.EXIT, when=at(20, 6), period=period)
    return entry, exit_


def results_url(diagnostic):
    return reverse("diagnostics:results", kwargs={"pk": diagnostic.pk})


def pdf_url(diagnostic):
    return reverse("diagnostics:results_pdf", kwargs={"pk": diagnostic.pk})


def level(code, value):
    return DomainLevel(code=code, label=code, pictogram="", level=value, title="")


def test_the_path_is_the_three_lowest_domains_not_autonomous_lowest_first():
    levels = [level("a", 2), level("b", 0), level("c", 3), level("d", 1), level("e", 1)]
    path = recommended_path(levels)
    assert [step.domain.code for step in path] == ["b", "d", "e"]
    assert "gestes de base" in path[0].reason
    assert "encore 2 niveaux" in path[1].reason
    assert recommended_path([level("a", 3), level("b", 4)]) == []
    assert "tout proche" in recommended_path([level("a", 2)])[0].reason


def test_an_exit_is_compared_with_the_entry_of_its_period_domain_by_domain(pair):
    entry, exit_ = pair
    found = diagnostic_results(exit_)
    changes = {change.code: change for change in found.comparison.changes}
    assert found.comparison.entry == entry
    assert {code: change.direction for code, change in changes.items()} == {
        "appareil": "up",
        "informations": "same",
        "communiquer": "up",
        "demarches": "down",
        "securite": "up",
    }
    assert changes["appareil"].exit.title == "Je me débrouille seul"
    assert (found.comparison.autonomous_before, found.comparison.autonomous_after) == (1, 2)
    assert found.autonomous_count == 2 and not found.autonomous
    # The entry's page shows the same comparison.
    assert diagnostic_results(entry).comparison.exit == exit_


def test_without_an_entry_in_the_period_the_latest_entry_before_the_exit_counts(person):
    older = finished(person, {"appareil": 0}, when=at(1, 1))
    latest = finished(person, {"appareil": 1}, when=at(1, 2))
    exit_ = finished(person, {"appareil": 2}, kind=DiagnosticKind.EXIT, when=at(1, 5))
    finished(person, {"appareil": 4}, when=at(1, 7))  # after the exit: not its pair
    found = diagnostic_results(exit_)
    assert found.comparison.entry == latest
    assert diagnostic_results(older).comparison is None


def test_answers_read_item_by_item_in_words_first_answer_per_item(pair):
    _entry, exit_ = pair
    answer(exit_, "choix-bouton-envoyer", {"selected": ["envoyer"]}, "a1")
    answer(exit_, "oui-non-cadenas", {"answer": True}, "a2")
    answer(exit_, "oui-non-cadenas", {"answer": False}, "a3")  # replayed: the first counts
    answer(exit_, "taper-adresse-mail", {"typed": "bonjour"}, "a4")
    lines = sitting_answers(exit_)
    assert [(line.number, line.response, line.outcome) for line in lines] == [
        (1, "« Envoyer »", "right"),
        (2, "Oui", "right"),
        (3, "« bonjour »", "wrong"),
    ]
    assert lines[0].instruction == "Quel bouton envoie le message ?"
    assert lines[0].domain_label == "Communiquer"


@pytest.mark.parametrize(
    ("key", "response", "words"),
    [
        ("zone-appli-messages", {"zone": "messages"}, "A touché : Messages (bulle bleue)"),
        (
            "ordre-envoyer-photo",
            {"order": ["ouvrir", "contact", "photo", "envoyer"]},
            "Ouvrir l'application Messages → Choisir la personne → Toucher l'appareil photo et choisir la photo → Toucher « Envoyer »",
        ),
        (
            "messagerie-arnaque-colis",
            {"reported": "colis"},
            "A signalé « URGENT : votre colis est bloqué » (Livraison-Colis <service@colis-suivi-24.biz>)",
        ),
        ("geste-toucher", {"done": True, "misses": 2}, "Geste réussi après 2 essais manqués"),
        ("formulaire-compte-caf", {"fields": {"nom": "Martin", "prenom": ""}}, "Nom : « Martin »"),
        ("oui-non-cadenas", {"dont_know": True}, "Je ne sais pas"),
        ("oui-non-cadenas", {"paper": "right"}, "Sur papier : juste"),
    ],
)
def test_each_kind_of_response_reads_in_words(key, response, words):
    assert response_in_words(content.get_item(key).definition, response) == words


def test_the_mediator_reads_the_results_with_the_comparison_and_it_is_journaled(
    login, mediator, pair, django_assert_max_num_queries
):
    _entry, exit_ = pair
    answer(exit_, "choix-bouton-envoyer", {"selected": ["corbeille"]}, "b1")
    client = login(mediator)
    client.get(results_url(exit_))  # warm the session and the caches
    with django_assert_max_num_queries(16) as first:
        page = client.get(results_url(exit_))
    for index in range(8):
        answer(exit_, "zone-appli-messages", {"zone": "photos"}, f"more-{index}")
    finished(exit_.beneficiary, {"appareil": 1}, when=at(1, 1))
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(results_url(exit_))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Diagnostic de sortie de Aïcha" in text
    assert "En progrès" in text and "En baisse" in text and "Pareil" in text
    assert "« Supprimer »" in text and "Pas juste" in text
    assert "2 domaines autonomes sur 5" in text
    assert "Parcours conseillé" in text
    assert reverse("diagnostics:results_pdf", kwargs={"pk": exit_.pk}) in text
    entries = JournalEntry.objects.filter(action="diagnostic.results_viewed")
    assert entries.count() == 3
    assert entries.first().payload["file_number"] == exit_.beneficiary.file_number


@pytest.mark.parametrize("role", [Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER])
def test_the_site_team_reads_its_files_results(login, member_factory, site, pair, role):
    assert login(member_factory(site, role)).get(results_url(pair[1])).status_code == 200


def test_a_network_admin_reads_any_site_and_another_site_gets_a_404(
    login, network_admin, member_factory, other_site, pair
):
    assert login(network_admin).get(results_url(pair[0])).status_code == 200
    stranger = member_factory(other_site, Role.MEDIATOR)
    assert login(stranger).get(results_url(pair[0])).status_code == 404
    assert login(stranger).get(pdf_url(pair[0])).status_code == 404


def test_a_sitting_in_progress_has_no_results_yet(login, mediator, person):
    sitting = DiagnosticFactory(beneficiary=person)
    response = login(mediator).get(results_url(sitting))
    assert response.status_code == 302
    assert response.url == reverse("beneficiaries:detail", kwargs={"pk": person.pk})
    assert not JournalEntry.objects.filter(action__startswith="diagnostic.").exists()


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_the_printout_is_one_page_in_plain_french_with_stars_and_next_steps(login, mediator, pair):
    _entry, exit_ = pair
    person = exit_.beneficiary
    person.last_name = "Benali"
    person.save()
    exit_.beneficiary.refresh_from_db()
    six = {**EXIT, "emploi": 0}
    exit_.results.all().delete()
    for code, value in six.items():
        exit_.results.create(domain=code, level=value)
    pages = pdf_pages(login(mediator).get(pdf_url(exit_)))
    assert len(pages) == 1
    text = pages[0]
    assert "Les résultats de Aïcha" in text
    assert "Benali" not in text and person.file_number not in text
    assert "★★★☆" in text  # level 3
    assert "Chercher un emploi" in text
    assert "Et maintenant ?" in text and "Travailler : Chercher un emploi en ligne." in text
    assert "Appareil" not in text and "Utiliser un appareil : de 2 à 3 étoiles" in text
    assert "Faire ses démarches en ligne : de" not in text  # only what went up
    assert "%" not in text
    assert JournalEntry.objects.filter(action="diagnostic.results_printed").count() == 1


def test_no_autonomous_domain_reads_aucun_not_zero(login, mediator, person):
    sitting = finished(person, {"appareil": 1, "securite": 0})
    text = login(mediator).get(results_url(sitting)).content.decode()
    assert "Aucun domaine autonome sur 2" in text
    assert "0 domaine" not in text


def test_the_printout_still_fits_one_page_when_all_six_domains_went_up(login, mediator, person):
    low = {"appareil": 0, "informations": 0, "communiquer": 0, "demarches": 0, "securite": 0}
    finished(person, {**low, "emploi": 0}, when=at(2))
    high = dict.fromkeys(low, 2)
    exit_ = finished(person, {**high, "emploi": 1}, kind=DiagnosticKind.EXIT, when=at(3, 7))
    pages = pdf_pages(login(mediator).get(pdf_url(exit_)))
    assert len(pages) == 1
    assert pages[0].count("Bravo !") == 6
    assert pages[0].count("Travailler :") == 2
    assert "Chercher un emploi en ligne : de 0 à 1 étoile. Bravo !" in pages[0]
    assert "l'équipe de l'espace." in pages[0]
