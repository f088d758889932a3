"""The module benchmark's pieces: the generated ways through modules, the forms it posts, its
report (the COPY itself needs PostgreSQL: ``make bench`` runs it)."""

import datetime
import random

import pytest
from django.http import QueryDict

from benchmarks import bench_modules, generate_modules
from tisser.exercises import responses, scoring
from tisser.learning.content import modules
from tisser.learning.enums import MISSES_BEFORE_ANSWER, StepKind, StepOutcome


def _module_with_exercises():
    return next(m for m in modules() if any(s.kind == StepKind.EXERCISE for s in m.steps))


@pytest.mark.parametrize("budget", [0, 1, 2, 5, 100])
def test_a_walk_never_passes_its_budget_and_agrees_with_its_step_results(budget):
    module = _module_with_exercises()
    for seed in range(30):
        events, stopped = generate_modules.module_walk(module, {}, random.Random(seed), budget)
        answers = [e for e in events if e[0] == "answer"]
        assert len(answers) <= budget
        ended = {e[1]: e for e in events if e[0] == "ended"}
        for step in module.steps:
            if step.key not in ended:
                continue
            misses = sum(1 for e in answers if e[1] == step.key and not e[2])
            rights = sum(1 for e in answers if e[1] == step.key and e[2])
            _kind, _key, outcome, counted = ended[step.key]
            if step.kind != StepKind.EXERCISE:
                assert outcome == StepOutcome.READ
            elif outcome == StepOutcome.DONE:
                assert (rights, counted) == (1, misses)
            else:
                assert outcome == StepOutcome.SHOWN
                assert rights == 0 and misses == counted == MISSES_BEFORE_ANSWER
        if stopped:
            # Stopped at an exercise step left open, every step before it ended.
            assert stopped not in ended
            keys = module.step_keys
            assert set(keys[: keys.index(stopped)]) == set(ended)
        else:
            assert set(ended) == set(module.step_keys)


def test_the_posted_forms_score_as_meant():
    module, step_keys = generate_modules.bench_module([m for m in modules() if m.steps])
    assert len(step_keys) >= 2
    from tisser.exercises.examples import right_response, wrong_response

    for key in step_keys:
        item = module.exercise_item(key)
        assert item.type in generate_modules.FORM_TYPES
        for response, correct in ((right_response(item), True), (wrong_response(item), False)):
            post = QueryDict(mutable=True)
            for name, value in generate_modules.form_fields(item, response).items():
                post.setlist(name, value if isinstance(value, list) else [value])
            parsed = responses.parse(item.type, post)
            assert scoring.score(item.definition, parsed).correct is correct


def test_the_form_tokens_are_read_from_the_step_page():
    page = (
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="tok">'
        '<input type="hidden" name="attempt" value="a1b2"></form>'
    )
    assert bench_modules.form_tokens(page) == ("tok", "a1b2")
    with pytest.raises(bench_modules.StepError):
        bench_modules.form_tokens("<p>Ce module n'est plus proposé.</p>")


def test_each_learner_answers_each_step_in_turn():
    plan = {"learners": [{"progress": 1}, {"progress": 2}], "steps": [{"step": "a"}, {"step": "b"}]}
    work = bench_modules.tasks(plan)
    got = [(learner["progress"], step["step"]) for learner, step in (next(work) for _ in range(5))]
    assert got == [(1, "a"), (1, "b"), (2, "a"), (2, "b"), (1, "a")]


def _args(**changes):
    values = {
        "learners": 1000,
        "answers": 50000,
        "posts": 100,
        "warmup": 2,
        "clients": 2,
        "per_client": 3,
        "seconds": 10.0,
        "workers": 2,
        "reuse": False,
    }
    values.update(changes)
    return type("Args", (), values)()


@pytest.mark.parametrize(("slow", "verdict"), [(100.0, "yes"), (400.0, "**no**")])
def test_the_report_states_what_is_timed_and_the_verdict(slow, verdict):
    outcome = bench_modules.Outcome(
        get_ms=[10.0] * 100, post_ms=[20.0] * 90 + [slow] * 10, seconds=5.0
    )
    lines = bench_modules.report_lines(
        outcome,
        _args(),
        dataset={
            "files": 1000,
            "modules": {
                "learners": 1000,
                "answers": 50000,
                "item_versions": 77,
                "progress": 7000,
                "finished": 6000,
                "step_results": 60000,
                "modules": 16,
            },
            "generation_seconds": {"migrate": 20.0, "files": 3.0},
        },
        plans=[{"module": "site-officiel", "steps": [{}, {}, {}, {}], "learners": []}],
        db_version="PostgreSQL 16",
        started=datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC),
        seconds=60,
        load_avg="1.00, 1.00, 1.00",
    )
    text = "\n".join(lines)
    post_row = next(line for line in lines if line.startswith("| **POST"))
    assert post_row.endswith(f"| {verdict} |")
    assert "Timed: the POST" in text and "« site-officiel »" in text
    assert "bench_modules.py --learners 1000 --answers 50000" in text
    assert "50,000 module answers" in text and "20.0 answers/s" in text


@pytest.mark.django_db(transaction=True)
def test_a_phone_answers_a_step_through_the_real_pages(live_server):
    from tests.learners.factories import LearnerCardFactory
    from tisser.exercises.models import Answer
    from tisser.learning.models import StepResult

    LearnerCardFactory()
    plan = generate_modules.plan(1, 1)[0]
    learner = plan["learners"][0]
    first, second = plan["steps"][:2]
    client = bench_modules.FlowClient(int(live_server.url.rsplit(":", 1)[1]))
    client.sign_in(learner["session"])
    try:
        times = [
            bench_modules.answer_step(client, learner["progress"], first, right=False),
            bench_modules.answer_step(client, learner["progress"], second, right=True),
        ]
    finally:
        client.close()

    assert all(ms > 0 for pair in times for ms in pair)
    answers = Answer.objects.filter(context_kind="module", context_id=plan["module"])
    assert sorted(answers.values_list("correct", flat=True)) == [False, True]
    assert list(StepResult.objects.values_list("step_id", "outcome")) == [
        (second["step"], StepOutcome.DONE)
    ]
