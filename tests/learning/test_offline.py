"""The offline queue (decision 0053, « Offline »): the module's steps as JSON for the device,
and the answers queued offline sent back: recorded once, in order, by the player's rules."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.learning.conftest import MODULE_KEY
from tisser.exercises.models import Answer
from tisser.learning import content, services
from tisser.learning.content import module
from tisser.learning.enums import StepOutcome
from tisser.learning.models import ModuleProgress, StepResult

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_files")]

PATH = "/apprendre/modules/"


def started(client) -> ModuleProgress:
    client.post(f"{PATH}{MODULE_KEY}/")
    return ModuleProgress.objects.get()


def sync(client, progress, queue):
    return client.post(
        f"{PATH}suivi/{progress.pk}/envoyer/",
        json.dumps({"queue": queue}),
        content_type="application/json",
    )


def miss(key):
    return {"step": "quiz-arobase", "key": key, "response": {"selected": ["b"]}}


def test_the_payload_has_every_step_with_the_modules_answer_keys(learner):
    client, _ = learner
    progress = started(client)
    data = client.get(f"{PATH}suivi/{progress.pk}/hors-connexion/").json()
    assert [step["id"] for step in data["steps"]] == ["carte-adresse", "quiz-arobase", "bilan"]
    quiz = data["steps"][1]
    assert quiz["type"] == "choice" and quiz["correct"] == ["a"]
    assert quiz["hint"] and quiz["options"][0] == ["a", "marie.dupont@exemple.fr"]
    assert data["steps"][2]["points"][0] == "Une adresse e-mail a un @."
    assert "hors connexion" in data["text"]["later"]


def test_the_payload_and_the_sync_are_for_the_learner_only(learner, site, client):
    own, _ = learner
    progress = started(own)
    other = services.module_start(learner=BeneficiaryFactory(site=site), module=module(MODULE_KEY))
    assert own.get(f"{PATH}suivi/{other.pk}/hors-connexion/").status_code == 404
    assert sync(own, other, [{"step": "carte-adresse", "key": "k1"}]).status_code == 404
    assert client.get(f"{PATH}suivi/{progress.pk}/hors-connexion/").status_code == 404
    assert sync(client, progress, [{"step": "carte-adresse", "key": "k1"}]).status_code == 404
    assert not StepResult.objects.exists()


def test_a_queue_is_recorded_once_in_order_and_the_module_ends(learner):
    client, _ = learner
    progress = started(client)
    queue = [
        {"step": "carte-adresse", "key": "k-card"},
        miss("k-1"),
        {"step": "quiz-arobase", "key": "k-2", "response": {"selected": ["a"]}},
        {"step": "bilan", "key": "k-recap"},
    ]
    response = sync(client, progress, queue)
    assert response.status_code == 200
    assert response.json() == {"recorded": 4, "next": f"{PATH}suivi/{progress.pk}/termine/"}
    # Sent again (the reply was lost): nothing more.
    assert sync(client, progress, queue).json()["recorded"] == 0
    assert list(
        Answer.objects.order_by("answered_at", "pk").values_list("idempotency_key", "correct")
    ) == [
        ("k-1", False),
        ("k-2", True),
    ]
    results = dict(StepResult.objects.values_list("step_id", "outcome"))
    assert results == {
        "carte-adresse": StepOutcome.READ,
        "quiz-arobase": StepOutcome.DONE,
        "bilan": StepOutcome.READ,
    }
    progress.refresh_from_db()
    assert progress.is_finished


def test_three_misses_end_the_step_as_shown_and_later_answers_are_ignored(learner):
    client, _ = learner
    progress = started(client)
    queue = [miss("k-1"), miss("k-2"), miss("k-3"), miss("k-4")]
    queue.append({"step": "quiz-arobase", "key": "k-5", "response": {"selected": ["a"]}})
    response = sync(client, progress, queue)
    assert response.json()["recorded"] == 3
    assert Answer.objects.count() == 3
    ended = StepResult.objects.get(step_id="quiz-arobase")
    assert (ended.outcome, ended.misses) == (StepOutcome.SHOWN, 3)


def test_answers_already_sent_online_count_once(learner):
    client, _ = learner
    progress = started(client)
    sync(client, progress, [miss("k-online")])
    response = sync(client, progress, [miss("k-online"), miss("k-2")])
    assert response.json()["recorded"] == 1
    assert Answer.objects.filter(correct=False).count() == 2
    assert not StepResult.objects.filter(step_id="quiz-arobase").exists()


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps([]),
        json.dumps({"queue": "x"}),
        json.dumps({"queue": [{"step": "inconnue", "key": "k"}]}),
        json.dumps({"queue": [{"step": "carte-adresse", "key": ""}]}),
        json.dumps({"queue": [{"step": "carte-adresse", "key": "k" * 41}]}),
        json.dumps({"queue": [{"step": "quiz-arobase", "key": "k"}]}),
        json.dumps({"queue": [{"step": "quiz-arobase", "key": "k", "response": {"x": 1}}]}),
    ],
)
def test_a_bad_queue_is_refused_with_nothing_saved(learner, body):
    client, _ = learner
    progress = started(client)
    # A good entry first: refused with the rest.
    good = json.dumps({"step": "carte-adresse", "key": "k-card"})
    if body.startswith('{"queue": [{'):
        body = body.replace('{"queue": [', '{"queue": [' + good + ", ", 1)
    response = client.post(
        f"{PATH}suivi/{progress.pk}/envoyer/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert not StepResult.objects.exists() and not Answer.objects.exists()


def test_the_step_page_loads_the_offline_script(learner):
    client, _ = learner
    progress = started(client)
    page = client.get(f"{PATH}suivi/{progress.pk}/etape/carte-adresse/").content.decode()
    assert "learning/offline" in page
    assert f'data-sync="{PATH}suivi/{progress.pk}/envoyer/"' in page


def test_a_module_gone_drops_the_queue_and_goes_back_to_my_path(learner, module_files):
    client, _ = learner
    progress = started(client)
    (module_files.root / f"{MODULE_KEY}.json").unlink()
    content.clear_cache()
    response = sync(client, progress, [{"step": "carte-adresse", "key": "k1"}])
    assert response.json() == {"recorded": 0, "next": PATH}
    assert not StepResult.objects.exists()


def test_zones_and_orders_go_to_the_device_with_their_answers(learner, module_files):
    real = Path(settings.BASE_DIR) / "content" / "modules" / "chercher-information.json"
    module_files.write(json.loads(real.read_text(encoding="utf-8")))
    client, person = learner
    progress = services.module_start(learner=person, module=module("chercher-information"))
    steps = {
        step["id"]: step
        for step in client.get(f"{PATH}suivi/{progress.pk}/hors-connexion/").json()["steps"]
    }
    assert steps["barre"]["type"] == "zone" and steps["barre"]["correct"] == "barre"
    assert steps["barre"]["zones"][2][:2] == ["barre", "Le grand cadre blanc"]
    assert steps["ordre"]["type"] == "order"
    assert steps["ordre"]["shown"] == ["choisir", "lancer", "ouvrir", "taper"]
    assert [s[0] for s in steps["ordre"]["steps"]] == ["ouvrir", "taper", "lancer", "choisir"]
