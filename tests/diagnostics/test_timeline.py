"""The file's timeline: each finished diagnostic, its autonomous domains, a link to results."""

import pytest
from django.urls import reverse

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.builders import answer, at, finished
from tests.diagnostics.factories import DiagnosticFactory
from tisser.core.timeline import beneficiary_timeline
from tisser.diagnostics.enums import DiagnosticKind
from tisser.diagnostics.timeline_events import timeline_events

pytestmark = pytest.mark.django_db

SIX = {"appareil": 3, "informations": 4, "communiquer": 1, "demarches": 0, "securite": 2}


def test_each_finished_sitting_is_one_line_with_its_autonomous_domains(site):
    person = BeneficiaryFactory(site=site)
    entry = finished(person, {**SIX, "emploi": 1}, when=at(2))
    exit_ = finished(person, {"appareil": 3}, kind=DiagnosticKind.EXIT, when=at(9, 9))
    none = finished(person, {"appareil": 1, "securite": 2}, when=at(1, 1))
    DiagnosticFactory(beneficiary=person, kind=DiagnosticKind.EXIT)  # in progress: not shown
    answer(entry, "oui-non-cadenas", {"answer": True}, "t1")
    events = [e for e in beneficiary_timeline(person) if e.kind.startswith("diagnostic.")]
    assert [(e.title, e.url, e.at) for e in events] == [
        (
            "Diagnostic de sortie terminé — 1 domaine autonome sur 1",
            reverse("diagnostics:results", kwargs={"pk": exit_.pk}),
            exit_.finished_at,
        ),
        (
            "Diagnostic d'entrée terminé — 2 domaines autonomes sur 6",
            reverse("diagnostics:results", kwargs={"pk": entry.pk}),
            entry.finished_at,
        ),
        (
            "Diagnostic d'entrée terminé — aucun domaine autonome sur 2",
            reverse("diagnostics:results", kwargs={"pk": none.pk}),
            none.finished_at,
        ),
    ]
    # The answers of a diagnostic are not a second « Exercices » line.
    assert not [e for e in beneficiary_timeline(person) if e.kind == "exercises.diagnostic"]


def test_the_provider_runs_one_query_whatever_the_number_of_sittings(
    site, django_assert_num_queries
):
    person = BeneficiaryFactory(site=site)
    finished(person, SIX, when=at(2))
    with django_assert_num_queries(1):
        assert len(timeline_events(person)) == 1
    for month in range(4, 9):
        finished(person, SIX, kind=DiagnosticKind.EXIT, when=at(1, month))
    with django_assert_num_queries(1):
        assert len(timeline_events(person)) == 6
