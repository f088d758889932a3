"""The loader of content/modules/: the project's modules, read once, in the order of lists."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.helpers import rewrite_json as rewrite
from tisser.diagnostics import framework
from tisser.exercises import content as exercises
from tisser.exercises.content import ContentError, Item
from tisser.learning import content
from tisser.learning.enums import DeviceFit, StepKind

MODULES = Path(settings.LEARNING_CONTENT_DIR)


@pytest.fixture(autouse=True)
def _fresh():
    content.clear_cache()
    exercises.clear_cache()
    yield
    content.clear_cache()
    exercises.clear_cache()


@pytest.fixture
def modules_copy(tmp_path, settings):
    copy = tmp_path / "modules"
    shutil.copytree(MODULES, copy)
    settings.LEARNING_CONTENT_DIR = copy
    return copy


def test_every_project_module_loads_with_its_file_name_as_id():
    loaded = content.modules()
    files = sorted(path.stem for path in MODULES.glob("*.json"))
    assert sorted(module.key for module in loaded) == files
    assert len(files) >= 8
    for module in loaded:
        assert module.source == f"content/modules/{module.key}.json"
        assert module.steps[-1].kind == StepKind.RECAP
        assert isinstance(module.device, DeviceFit)


def test_module_steps_and_their_kinds():
    mail = content.module("mail-envoyer")
    assert mail.title == "Écrire et envoyer un e-mail"
    assert mail.objective.startswith("À la fin, je sais ")
    assert (mail.domain, mail.level, mail.device) == ("communiquer", 1, DeviceFit.BOTH)
    assert 5 <= mail.minutes <= 20
    card = mail.step("adresse")
    assert card.kind == StepKind.CARD
    assert card.lines[1].startswith("Une adresse a toujours le signe @")
    assert card.item is None and card.points == ()
    exercise = mail.step("adresse-juste")
    assert exercise.kind == StepKind.EXERCISE
    assert exercise.hint and exercise.success
    assert mail.step("recap").points[0].startswith("Une adresse e-mail")
    assert mail.step("absente") is None
    assert mail.step_keys[0] == "mail" and mail.step_keys[-1] == "recap"


def test_an_exercise_step_gives_an_engine_item_named_after_module_and_step():
    mail = content.module("mail-envoyer")
    item = mail.exercise_item("ordre")
    assert isinstance(item, Item)
    assert item.key == "mail-envoyer--ordre" == content.item_key("mail-envoyer", "ordre")
    assert (item.type, item.domain, item.level) == ("order", "communiquer", 1)
    assert item.source == "content/modules/mail-envoyer.json"
    assert item.definition["id"] == item.key and len(item.content_hash) == 64
    with pytest.raises(KeyError):
        mail.exercise_item("adresse")  # a card
    with pytest.raises(KeyError):
        mail.exercise_item("absente")


def test_every_module_item_is_outside_the_exercise_catalogue():
    catalogue = exercises.catalogue()
    for module in content.modules():
        for step in module.steps:
            if step.kind == StepKind.EXERCISE:
                assert step.item.key == content.item_key(module.key, step.key)
                assert step.item.key not in catalogue
                assert (step.item.domain, step.item.level) == (module.domain, module.level)


def test_modules_are_listed_by_framework_domain_level_then_prerequisites_first():
    order = [domain.code for domain in framework.domains()]
    listed = content.modules()
    ranks = [(order.index(m.domain), m.level) for m in listed]
    assert ranks == sorted(ranks)
    position = {module.key: index for index, module in enumerate(listed)}
    for module in listed:
        for other in module.prerequisites:
            assert position[other] < position[module.key]


def test_modules_for_a_domain_and_a_level():
    assert [m.key for m in content.modules_for("appareil", 0)][:2] == [
        "ecran-tactile",
        "souris-clavier",
    ]
    assert all(m.level == 1 for m in content.modules_for("communiquer", 1))
    everything = content.modules_for("communiquer")
    assert {m.level for m in everything} >= {1, 2}
    assert content.modules_for("inconnu", 0) == ()
    assert content.module("inconnu") is None


def test_the_modules_are_read_once_per_process(modules_copy):
    first = content.module("mail-envoyer")
    rewrite(modules_copy / "mail-envoyer.json", lambda d: d.update(title="Autre titre"))
    assert content.module("mail-envoyer") is first
    content.clear_cache()
    assert content.module("mail-envoyer").title == "Autre titre"


def test_the_setting_names_the_directory(modules_copy):
    (modules_copy / "donnees-droits.json").unlink()
    assert content.module("donnees-droits") is None
    assert content.module("mail-envoyer") is not None


def test_a_broken_module_never_reaches_a_learner(modules_copy):
    rewrite(modules_copy / "mail-envoyer.json", lambda d: d["steps"].pop())
    with pytest.raises(ContentError) as error:
        content.modules()
    assert str(error.value) == (
        f"{modules_copy / 'mail-envoyer.json'}: steps: 0 étape(s) « recap », il en faut une, "
        "à la fin"
    )


def test_an_exercise_file_may_not_use_the_modules_separator(tmp_path, settings):
    copy = tmp_path / "exercises"
    shutil.copytree(Path(settings.EXERCISES_CONTENT_DIR), copy)
    rewrite(copy / "typing.json", lambda d: d.update(id="mail-envoyer--ecrire"))
    problems = exercises.check_directory(copy).problems
    assert problems == [
        f"{copy / 'typing.json'}: id: « -- » est réservé aux exercices des modules "
        "(<module>--<étape>)"
    ]
