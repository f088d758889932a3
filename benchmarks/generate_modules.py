"""Learners in the self-paced modules, at scale, for the module benchmark (issue 14).

On a database that holds files (benchmarks/generate.py), this gives the first ``--learners``
files a learner card and a way through the real modules of content/modules: each learner
takes the modules in their own random order, every card and recap step read, every
exercise step answered (right at the first try 60 % of the time, then after one, two or
three misses; after the third miss the step ends with the answer shown), until the
learner's share of ``--answers`` is reached — the last module is left in progress, its
``current_step`` where the learner stopped. Answers are the engine's ``Answer`` rows
(context_kind="module", context_id=<module>), on the ``ItemVersion`` the server itself
finds (``item_version_for``), with the demo diagnostic's right and wrong responses and the
score the engine gives them; ``ModuleProgress`` and ``StepResult`` agree with them (the
misses counted, ``finished_at`` once every step ended). Written with PostgreSQL COPY.

    .venv/bin/python benchmarks/generate_modules.py --learners 100000 --answers 5000000
    .venv/bin/python benchmarks/generate_modules.py --plan 4 --per-client 30

``--plan`` (run with the server's settings: the sessions are the server's) signs learners
in (one learner session per learner, as the card's sign-in does), starts them in the
benchmark module and prints, per client, the sessions and the steps to answer with the
form fields of a right and of a wrong answer.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RANDOM_SEED = 14
STEP_SECONDS = 40  # between two actions of a learner
# How many misses before the right answer (3: the answer is shown, no right answer).
MISSES_WEIGHTS = ((0, 60), (1, 25), (2, 10), (3, 5))
# Steps the benchmark answers through the form: one click or one choice.
FORM_TYPES = ("choice", "yes_no")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def draw_misses(rng: random.Random) -> int:
    values, weights = zip(*MISSES_WEIGHTS, strict=True)
    return rng.choices(values, weights=weights)[0]


def module_walk(module, item_info: dict, rng: random.Random, budget: int) -> tuple[list, str]:
    """One learner's way through ``module`` with at most ``budget`` answers.

    Returns the events in order — ("read", step) | ("answer", step, correct) |
    ("ended", step, outcome, misses) — and the step where the learner stopped ("" when the
    module is finished).
    """
    from tisser.learning.enums import MISSES_BEFORE_ANSWER, StepKind, StepOutcome

    events: list = []
    for step in module.steps:
        if step.kind != StepKind.EXERCISE:
            events.append(("ended", step.key, StepOutcome.READ, 0))
            continue
        misses = min(draw_misses(rng), MISSES_BEFORE_ANSWER)
        answers = misses if misses >= MISSES_BEFORE_ANSWER else misses + 1
        if answers > budget:
            events.extend(("answer", step.key, False) for _ in range(budget))
            return events, step.key
        budget -= answers
        events.extend(("answer", step.key, False) for _ in range(misses))
        if misses >= MISSES_BEFORE_ANSWER:
            events.append(("ended", step.key, StepOutcome.SHOWN, misses))
        else:
            events.append(("answer", step.key, True))
            events.append(("ended", step.key, StepOutcome.DONE, misses))
    return events, ""


def _copy(cursor, table: str, columns: tuple[str, ...], buffer: io.StringIO) -> None:
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)


FLUSH_EVERY = 10_000  # learners between two COPY rounds (bounded memory)


def _tables():
    from tisser.exercises.models import Answer
    from tisser.learners.models import LearnerCard
    from tisser.learning.models import ModuleProgress, StepResult

    return {
        "cards": (LearnerCard._meta.db_table, ("beneficiary_id", "site_id", "seed", "code_hash",
                  "token_hash", "issued_at", "expires_at")),
        "progress": (ModuleProgress._meta.db_table, ("id", "beneficiary_id", "module_key",
                     "module_version", "current_step", "started_at", "last_activity_at",
                     "finished_at", "seconds_spent")),
        "results": (StepResult._meta.db_table, ("progress_id", "step_id", "outcome", "misses",
                    "completed_at")),
        "answers": (Answer._meta.db_table, ("beneficiary_id", "item_version_id", "item_key",
                    "context_kind", "context_id", "idempotency_key", "response", "score",
                    "correct", "answered_at")),
    }  # fmt: skip


TABLES = ("cards", "progress", "results", "answers")  # in this order (foreign keys)


def _flush(raw, buffers: dict) -> float:
    """COPY what the buffers hold, in order, and empty them; the seconds it took."""
    started = time.monotonic()
    tables = _tables()
    for name in TABLES:
        table, columns = tables[name]
        _copy(raw, table, columns, buffers[name])
        buffers[name].seek(0)
        buffers[name].truncate()
    return time.monotonic() - started


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def item_infos(modules) -> dict:
    """Per item key: its ItemVersion id and the demo's right and wrong responses, scored."""
    from tisser.exercises import scoring
    from tisser.exercises.examples import right_response, wrong_response
    from tisser.exercises.services import item_version_for
    from tisser.learning.enums import StepKind

    infos = {}
    for module in modules:
        for step in module.steps:
            if step.kind != StepKind.EXERCISE:
                continue
            item = module.exercise_item(step.key)
            right, wrong = right_response(item), wrong_response(item) or {}
            scored_right = scoring.score(item.definition, right)
            try:
                scored_wrong = scoring.score(item.definition, wrong)
                wrong_score, wrong_correct = scored_wrong.score, scored_wrong.correct
            except scoring.InvalidResponse:
                wrong_score, wrong_correct = 0, False
            infos[(module.key, step.key)] = {
                "item": item,
                "version": item_version_for(item).pk,
                True: (json.dumps(right), scored_right.score, scored_right.correct),
                False: (json.dumps(wrong), wrong_score, wrong_correct),
            }
    return infos


def generate(*, learners: int, answers: int) -> dict:
    from django.db import connection

    from tisser.beneficiaries.models import Beneficiary
    from tisser.exercises.models import Answer
    from tisser.learners.models import LearnerCard
    from tisser.learning.content import modules as all_modules
    from tisser.learning.models import ModuleProgress, StepResult

    started = time.monotonic()
    rng = random.Random(RANDOM_SEED)  # reproducible data, not secrets
    modules = [m for m in all_modules() if m.steps]
    infos = item_infos(modules)
    people = list(Beneficiary.objects.order_by("pk").values_list("pk", "site_id")[:learners])
    if len(people) < learners:
        raise SystemExit(f"Only {len(people)} files: generate more (benchmarks/generate.py).")
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    far = now + datetime.timedelta(days=365)
    buffers = {table: io.StringIO() for table in TABLES}
    counts = {"cards": 0, "progress": 0, "finished": 0, "step_results": 0, "answers": 0}
    progress_id = answer_id = 0
    copied = 0.0
    share, extra = divmod(answers, learners)
    cards, progresses = buffers["cards"], buffers["progress"]
    results, answer_rows = buffers["results"], buffers["answers"]
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        for index, (person, site) in enumerate(people):
            if index and index % FLUSH_EVERY == 0:
                copied += _flush(raw, buffers)
            cards.write(
                f"{person}\t{site}\t{rng.getrandbits(128):032x}\t{person:064x}\t"
                f"c{person:063x}\t{now.isoformat()}\t{far.isoformat()}\n"
            )
            counts["cards"] += 1
            budget = share + (1 if index < extra else 0)
            at = now - datetime.timedelta(days=rng.uniform(2, 365))
            for module in rng.sample(modules, len(modules)):
                if budget <= 0:
                    break
                events, stopped = module_walk(module, infos, rng, budget)
                progress_id += 1
                begun = at
                for event in events:
                    at += datetime.timedelta(seconds=STEP_SECONDS)
                    if event[0] == "answer":
                        _kind, step_key, correct = event
                        info = infos[(module.key, step_key)]
                        response, score, is_correct = info[correct]
                        answer_id += 1
                        budget -= 1
                        answer_rows.write(
                            f"{person}\t{info['version']}\t{info['item'].key}\tmodule\t"
                            f"{module.key}\tg{answer_id:x}\t{_text(response)}\t{score}\t"
                            f"{'t' if is_correct else 'f'}\t{at.isoformat()}\n"
                        )
                    else:
                        _kind, step_key, outcome, misses = event
                        results.write(
                            f"{progress_id}\t{step_key}\t{outcome}\t{misses}\t{at.isoformat()}\n"
                        )
                        counts["step_results"] += 1
                finished = "\\N" if stopped else at.isoformat()
                counts["finished"] += 0 if stopped else 1
                progresses.write(
                    f"{progress_id}\t{person}\t{module.key}\t{module.version}\t{stopped}\t"
                    f"{begun.isoformat()}\t{at.isoformat()}\t{finished}\t"
                    f"{int((at - begun).total_seconds())}\n"
                )
                at += datetime.timedelta(hours=rng.uniform(1, 72))
        copied += _flush(raw, buffers)
        counts["progress"] = progress_id
        counts["answers"] = answer_id
        table = ModuleProgress._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
        for model in (LearnerCard, ModuleProgress, StepResult, Answer):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    return {
        **counts,
        "learners": learners,
        "modules": len(modules),
        "item_versions": len(infos),
        "seconds_copy": round(copied, 1),
        "seconds": round(time.monotonic() - started, 1),
    }


def form_fields(item, response: dict) -> dict:
    """The learner step form's fields for ``response`` (choice and yes/no steps)."""
    if item.type == "choice":
        return {"selected": list(response["selected"])}
    if item.type == "yes_no":
        return {"answer": "oui" if response["answer"] else "non"}
    raise ValueError(item.type)


def bench_module(modules):
    """The module with the most one-click exercise steps (the benchmark answers them)."""
    from tisser.learning.enums import StepKind

    def steps(module):
        return [
            s.key
            for s in module.steps
            if s.kind == StepKind.EXERCISE and module.exercise_item(s.key).type in FORM_TYPES
        ]

    best = max(modules, key=lambda m: (len(steps(m)), m.key))
    return best, steps(best)


def learner_session(card) -> str:
    """A learner session for ``card`` (what the card's sign-in stores), its key."""
    from importlib import import_module

    from django.conf import settings

    from tisser.learners import session

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    moment = int(time.time())
    store[session.CARD_KEY] = card.pk
    store[session.STARTED_KEY] = moment
    store[session.SEEN_KEY] = moment
    store[session.SHARED_KEY] = False
    store.set_expiry(session.PERSONAL_IDLE_SECONDS)
    store.save()
    return store.session_key


def plan(clients: int, per_client: int) -> list[dict]:
    from tisser.exercises.examples import right_response, wrong_response
    from tisser.learners.models import LearnerCard
    from tisser.learning import services
    from tisser.learning.content import modules as all_modules

    module, step_keys = bench_module([m for m in all_modules() if m.steps])
    steps = []
    for key in step_keys:
        item = module.exercise_item(key)
        steps.append(
            {
                "step": key,
                "right": form_fields(item, right_response(item)),
                "wrong": form_fields(item, wrong_response(item)),
            }
        )
    cards = list(
        LearnerCard.objects.usable()
        .select_related("beneficiary")
        .order_by("-pk")[: clients * per_client]
    )
    if len(cards) < clients * per_client:
        raise SystemExit(f"Only {len(cards)} learner cards: generate more learners.")
    plans = []
    for client in range(clients):
        learners = []
        for card in cards[client * per_client : (client + 1) * per_client]:
            progress = services.module_start(learner=card.beneficiary, module=module)
            learners.append({"session": learner_session(card), "progress": progress.pk})
        plans.append({"module": module.key, "steps": steps, "learners": learners})
    return plans


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=5_000_000)
    parser.add_argument("--plan", type=int, metavar="CLIENTS", help="sign learners in")
    parser.add_argument("--per-client", type=int, default=30)
    args = parser.parse_args(argv)
    setup_django()
    if args.plan:
        print(json.dumps(plan(args.plan, args.per_client)))
        return 0
    print(json.dumps(generate(learners=args.learners, answers=args.answers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
