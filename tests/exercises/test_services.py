"""Answers: saved at once, counted once, scored against the version they answered."""

import json
import shutil
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.exercises import content
from tisser.exercises.models import Answer, ItemVersion
from tisser.exercises.scoring import InvalidResponse
from tisser.exercises.selectors import answer_list
from tisser.exercises.services import answer_record, answer_record_judged, answer_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(site):
    return BeneficiaryFactory(site=site)


def record(learner, key, response, attempt="k1", **extra):
    return answer_record(
        beneficiary=learner,
        item=content.get_item(key),
        response=response,
        context_kind=extra.pop("context_kind", "practice"),
        idempotency_key=attempt,
        **extra,
    )


def test_an_answer_is_scored_and_saved_with_its_item_version(learner):
    recorded = record(learner, "choix-mot-de-passe-solide", {"selected": ["phrase"]})
    answer = recorded.answer
    assert recorded.created
    assert answer.score == Decimal("0.50") and not answer.correct
    assert answer.item_key == "choix-mot-de-passe-solide"
    assert answer.item_version.version == 1
    assert (
        answer.item_version.definition == content.get_item("choix-mot-de-passe-solide").definition
    )


def test_the_same_answer_sent_twice_counts_once(learner):
    first = record(learner, "oui-non-cadenas", {"answer": True}, attempt="page-1")
    again = record(learner, "oui-non-cadenas", {"answer": False}, attempt="page-1")
    assert not again.created
    assert again.answer.pk == first.answer.pk
    assert again.answer.correct  # the first one counts, not the resent one
    assert Answer.objects.count() == 1
    # A new page (a new try) is a new answer.
    assert record(learner, "oui-non-cadenas", {"answer": False}, attempt="page-2").created
    assert Answer.objects.count() == 2


def test_the_same_key_for_two_learners_is_two_answers(learner, site):
    other = BeneficiaryFactory(site=site)
    record(learner, "oui-non-cadenas", {"answer": True}, attempt="same")
    record(other, "oui-non-cadenas", {"answer": True}, attempt="same")
    assert Answer.objects.count() == 2


def test_a_response_that_does_not_fit_saves_nothing(learner):
    with pytest.raises(InvalidResponse):
        record(learner, "ordre-envoyer-photo", {"order": ["ouvrir"]})
    with pytest.raises(InvalidResponse):
        record(learner, "oui-non-cadenas", {"answer": True}, attempt="")
    assert not Answer.objects.exists()
    assert not ItemVersion.objects.exists()


@pytest.fixture
def editable_content(tmp_path, settings):
    copy = tmp_path / "exercises"
    shutil.copytree(Path(settings.EXERCISES_CONTENT_DIR), copy)
    settings.EXERCISES_CONTENT_DIR = copy
    content.clear_cache()
    yield copy
    content.clear_cache()


def test_an_item_changed_after_answers_keeps_old_answers_scored_on_their_version(
    learner, editable_content
):
    old = record(learner, "oui-non-cadenas", {"answer": True}, attempt="a").answer
    assert old.correct

    # The item is rewritten: the statement now says the opposite, version 2.
    path = editable_content / "yes_no.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["version"] = 2
    data["content"]["statement"] = "Le cadenas prouve que le site est honnête."
    data["content"]["answer"] = False
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    content.clear_cache()

    new = record(learner, "oui-non-cadenas", {"answer": True}, attempt="b").answer
    assert not new.correct
    assert new.item_version.version == 2
    assert ItemVersion.objects.filter(key="oui-non-cadenas").count() == 2

    old.refresh_from_db()
    assert old.correct and old.score == Decimal("1.00")
    assert old.item_version.version == 1
    assert answer_result(old).correct  # scored again against version 1, still right
    assert old.item_version.definition["content"]["answer"] is True


def test_an_edit_without_a_version_bump_still_gets_its_own_frozen_copy(learner, editable_content):
    record(learner, "taper-adresse-mail", {"typed": "Bonjour"}, attempt="a")
    path = editable_content / "typing.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["content"]["text"] = "Bonsoir"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    content.clear_cache()
    record(learner, "taper-adresse-mail", {"typed": "Bonjour"}, attempt="b")
    versions = ItemVersion.objects.filter(key="taper-adresse-mail")
    assert versions.count() == 2
    assert {v.definition["content"]["text"] for v in versions} == {
        "Bonjour, je voudrais un rendez-vous.",
        "Bonsoir",
    }


def test_answers_are_grouped_by_their_sitting(learner):
    record(learner, "oui-non-cadenas", {"answer": True}, attempt="a")
    record(
        learner,
        "oui-non-cadenas",
        {"answer": False},
        attempt="b",
        context_kind="diagnostic",
        context_id="42",
    )
    practice = list(answer_list(beneficiary=learner, context_kind="practice"))
    diagnostic = list(answer_list(beneficiary=learner, context_kind="diagnostic", context_id="42"))
    assert [a.idempotency_key for a in practice] == ["a"]
    assert [a.idempotency_key for a in diagnostic] == ["b"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sends_of_one_answer_store_one(site):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent sessions")
    learner = BeneficiaryFactory(site=site)
    item = content.get_item("oui-non-cadenas")
    barrier = threading.Barrier(2)
    results = []

    def send():
        barrier.wait()
        try:
            results.append(
                answer_record(
                    beneficiary=learner,
                    item=item,
                    response={"answer": True},
                    context_kind="practice",
                    idempotency_key="double-tap",
                ).created
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert Answer.objects.count() == 1


def test_merging_two_files_keeps_every_answer_on_the_kept_file(learner, site, member_factory):
    from tisser.accounts.enums import Role
    from tisser.beneficiaries.services import beneficiary_merge

    duplicate = BeneficiaryFactory(site=site)
    record(learner, "oui-non-cadenas", {"answer": True}, attempt="a")
    record(duplicate, "oui-non-cadenas", {"answer": False}, attempt="b")
    beneficiary_merge(
        actor=member_factory(site, Role.SITE_MANAGER),
        kept=learner,
        duplicate=duplicate,
        reason="Même personne, deux dossiers.",
    )
    answers = answer_list(beneficiary=learner, context_kind="practice")
    assert [a.idempotency_key for a in answers] == ["a", "b"]


def test_the_files_timeline_shows_each_sitting_with_its_progress(
    learner, django_assert_num_queries
):
    from tisser.exercises.timeline_events import timeline_events

    assert timeline_events(learner) == []
    record(learner, "oui-non-cadenas", {"answer": False}, attempt="a")
    record(learner, "oui-non-cadenas", {"answer": True}, attempt="b")  # tried again
    record(learner, "geste-toucher", {"done": True, "misses": 2}, attempt="c")
    record(learner, "choix-bouton-envoyer", {"selected": ["corbeille"]}, attempt="d")
    with django_assert_num_queries(1):
        events = timeline_events(learner)
    assert len(events) == 1
    assert events[0].kind == "exercises.practice"
    assert events[0].title == "Exercices : Entraînement"
    assert events[0].detail == "3 exercices faits, 2 réussis"


def judged(learner, key, correct, response, attempt="j1", **extra):
    return answer_record_judged(
        beneficiary=learner,
        item=content.get_item(key),
        correct=correct,
        response=response,
        context_kind=extra.pop("context_kind", "diagnostic"),
        context_id=extra.pop("context_id", "7"),
        idempotency_key=attempt,
    )


def test_a_dont_know_answer_is_saved_wrong_without_scoring(learner):
    recorded = judged(learner, "choix-mot-de-passe-solide", False, {"dont_know": True})
    answer = recorded.answer
    assert recorded.created
    assert answer.response == {"dont_know": True}
    assert answer.score == Decimal("0.00") and not answer.correct
    assert answer.item_version.key == "choix-mot-de-passe-solide"
    assert (answer.context_kind, answer.context_id) == ("diagnostic", "7")


def test_a_paper_answer_keeps_the_correctness_it_was_given(learner):
    right = judged(learner, "oui-non-cadenas", True, {"paper": "right"}, attempt="p1").answer
    wrong = judged(learner, "oui-non-cadenas", False, {"paper": "wrong"}, attempt="p2").answer
    assert right.correct and right.score == Decimal("1.00")
    assert not wrong.correct and wrong.score == Decimal("0.00")


def test_a_judged_answer_sent_twice_counts_once_even_across_both_kinds(learner):
    first = judged(learner, "oui-non-cadenas", False, {"dont_know": True}, attempt="page-1")
    again = judged(learner, "oui-non-cadenas", True, {"paper": "right"}, attempt="page-1")
    scored = record(learner, "oui-non-cadenas", {"answer": True}, attempt="page-1")
    assert not again.created and not scored.created
    assert again.answer.pk == first.answer.pk == scored.answer.pk
    assert not again.answer.correct
    assert Answer.objects.count() == 1


def test_a_judged_answer_without_a_key_or_a_response_saves_nothing(learner):
    with pytest.raises(InvalidResponse):
        judged(learner, "oui-non-cadenas", False, {"dont_know": True}, attempt="")
    with pytest.raises(InvalidResponse):
        judged(learner, "oui-non-cadenas", False, {}, attempt="x")
    assert not Answer.objects.exists()
