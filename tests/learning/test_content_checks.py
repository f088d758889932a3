"""content/modules/ is checked with the exercise items; each problem names file and field."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks
from django.core.management import CommandError, call_command

from tests.helpers import rewrite_json as rewrite
from tisser.exercises import content as exercises
from tisser.exercises.content import check_directory, content_checkers
from tisser.learning import content
from tisser.learning.content import check_modules


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
    shutil.copytree(Path(settings.LEARNING_CONTENT_DIR), copy)
    settings.LEARNING_CONTENT_DIR = copy
    return copy


@pytest.fixture
def items():
    return {item.key: item for item in check_directory().items}


def test_the_project_modules_pass(items, settings):
    report = check_modules(items)
    assert report.problems == []
    assert report.files == len(list(Path(settings.LEARNING_CONTENT_DIR).glob("*.json")))
    assert report.files >= 8
    # The inline items are returned as engine items, one per exercise step.
    assert all("--" in item.key for item in report.items)
    assert len(report.items) == sum(
        1 for module in content.modules() for step in module.steps if step.item
    )


def test_check_content_checks_the_modules_too(capsys, settings):
    assert "modules d'apprentissage" in content_checkers()
    call_command("check_content")
    out = capsys.readouterr().out
    count = len(list(Path(settings.LEARNING_CONTENT_DIR).glob("*.json")))
    assert f"modules d'apprentissage : {count} fichiers" in out
    assert "tout est conforme" in out


def test_check_content_exits_non_zero_on_a_broken_module(modules_copy, capsys):
    rewrite(
        modules_copy / "mail-envoyer.json",
        lambda d: d["steps"][2]["item"]["content"]["correct"].__setitem__(0, "z"),
    )
    with pytest.raises(CommandError, match="1 problème"):
        call_command("check_content")
    err = capsys.readouterr().err
    assert (
        f"{modules_copy / 'mail-envoyer.json'}: steps[2].item.content.correct[0]: "
        "'z' n'est pas une des réponses proposées"
    ) in err


def test_the_command_exits_with_a_non_zero_status(modules_copy):
    """The way CI runs it: a process, and its exit status."""
    (modules_copy / "casse.json").write_text("{", encoding="utf-8")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "LEARNING_CONTENT_DIR_FOR_TESTS": str(modules_copy),
    }
    script = (
        "import django, sys, os;"
        "from django.conf import settings;"
        "django.setup();"
        "settings.LEARNING_CONTENT_DIR = os.environ['LEARNING_CONTENT_DIR_FOR_TESTS'];"
        "from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check_content', '--skip-checks'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert f"{modules_copy / 'casse.json'}: JSON illisible" in result.stderr


def test_the_system_check_refuses_broken_modules(modules_copy, settings):
    assert not [m for m in checks.run_checks(tags=["tisser"]) if m.id == "learning.E001"]
    rewrite(modules_copy / "ecran-tactile.json", lambda d: d.pop("objective"))
    errors = [m for m in checks.run_checks(tags=["tisser"]) if m.id == "learning.E001"]
    assert len(errors) == 1
    assert errors[0].msg == (
        f"{modules_copy / 'ecran-tactile.json'}: (racine): 'objective' is a required property"
    )


def _step(data, key):
    return next(step for step in data["steps"] if step["id"] == key)


def _duplicate_step(data):
    data["steps"][3]["id"] = data["steps"][2]["id"]


def _two_recaps(data):
    data["steps"].insert(1, dict(data["steps"][-1]))


def _recap_first(data):
    data["steps"].insert(0, data["steps"].pop())


def _only_cards(data):
    data["steps"] = [step for step in data["steps"] if step["kind"] != "exercise"]


def _long_sentence(data):
    data["steps"][0]["text"] = (
        "Un e-mail est un message écrit que l'on envoie par internet à une autre personne "
        "qui le lit quand elle veut sur son téléphone."
    )


# (file, change, the expected problem, after "content/modules/<file>: ")
BROKEN = [
    (
        "mail-envoyer.json",
        lambda d: d.update(id="mails"),
        "id: 'mails', alors que le fichier s'appelle mail-envoyer.json (attendu 'mail-envoyer')",
    ),
    ("mail-envoyer.json", lambda d: d.update(level=4), "level: 4 is greater than the maximum of 3"),
    (
        "mail-envoyer.json",
        lambda d: d.update(minutes=30),
        "minutes: 30 is greater than the maximum",
    ),
    (
        "mail-envoyer.json",
        lambda d: d.update(minutes=2),
        "minutes: 2 is less than the minimum of 5",
    ),
    (
        "mail-envoyer.json",
        lambda d: d.update(domain="internet"),
        "domain: 'internet' n'est pas un domaine du référentiel (appareil, informations",
    ),
    (
        "mail-envoyer.json",
        lambda d: d.update(device="tablette"),
        "device: 'tablette' is not one of",
    ),
    (
        "mail-envoyer.json",
        lambda d: d.update(objective="Écrire un e-mail."),
        "objective: 'Écrire un e-mail.' does not match '^À la fin, je sais '",
    ),
    ("mail-envoyer.json", _duplicate_step, "steps[3].id: l'étape 'adresse-juste' est en double"),
    (
        "mail-envoyer.json",
        lambda d: d["steps"][2]["item"]["content"]["correct"].__setitem__(0, "z"),
        "steps[2].item.content.correct[0]: 'z' n'est pas une des réponses proposées",
    ),
    (
        "mail-envoyer.json",
        lambda d: d["steps"][8]["item"].update(choices=6),
        "steps[8].item.choices: 4 étapes : 24 ordres possibles",
    ),
    (
        "mail-envoyer.json",
        lambda d: d["steps"][3]["item"].update(id="mail-envoyer--autre"),
        "steps[3].item.id: 'mail-envoyer--autre' au lieu de 'mail-envoyer--espace'",
    ),
    (
        "mail-envoyer.json",
        lambda d: d["steps"][3]["item"].update(domain="securite"),
        "steps[3].item.domain: 'securite', alors que le module est du domaine 'communiquer'",
    ),
    (
        "mail-envoyer.json",
        lambda d: d["steps"][3]["item"].update(level=2),
        "steps[3].item.level: niveau 2, alors que le module est de niveau 1",
    ),
    (
        "mail-envoyer.json",
        lambda d: d["steps"][3]["item"]["content"].pop("statement"),
        "steps[3].item.content: 'statement' is a required property",
    ),
    (
        "mail-envoyer.json",
        lambda d: d["steps"][3].pop("hint"),
        "steps[3]: 'hint' is a required property",
    ),
    (
        "mail-envoyer.json",
        lambda d: d["steps"][0].update(picture="absente.svg"),
        "steps[0].picture: l'image 'absente.svg' n'existe pas dans pictures/",
    ),
    (
        "mail-envoyer.json",
        lambda d: d["steps"][2].update(kind="simulation"),
        "steps[2].item.type: une étape « simulation » joue un exercice de type simulation",
    ),
    ("mail-envoyer.json", _two_recaps, "steps: 2 étape(s) « recap », il en faut une, à la fin"),
    ("mail-envoyer.json", _recap_first, "steps[0].kind: le récapitulatif doit être la dernière"),
    ("mail-envoyer.json", _only_cards, "steps: il faut au moins une étape « exercise »"),
    (
        "mail-envoyer.json",
        lambda d: d["steps"][-1]["points"].__setitem__(slice(1, None), []),
        'steps[9].points: ["Une adresse e-mail a toujours le signe @ et jamais d\'espace."] '
        "is too short",
    ),
    ("mail-envoyer.json", _long_sentence, "steps[0].text: phrase de plus de 20 mots"),
    (
        "mail-envoyer.json",
        lambda d: d["prerequisites"].append("inconnu"),
        "prerequisites[0]: le module 'inconnu' n'existe pas",
    ),
    (
        "mail-envoyer.json",
        lambda d: d["prerequisites"].append("mail-envoyer"),
        "prerequisites: un module ne peut pas être son propre prérequis",
    ),
]


@pytest.mark.parametrize(("file", "change", "expected"), BROKEN)
def test_a_broken_module_is_named_by_file_and_field(modules_copy, items, file, change, expected):
    rewrite(modules_copy / file, change)
    problems = check_modules(items, modules_copy).problems
    assert any(problem.startswith(f"{modules_copy / file}: {expected}") for problem in problems), (
        problems
    )


def test_an_inline_item_may_not_reuse_an_exercise_id(modules_copy, items):
    items = {**items, "mail-envoyer--espace": items["oui-non-cadenas"]}
    problems = check_modules(items, modules_copy).problems
    assert problems == [
        f"{modules_copy / 'mail-envoyer.json'}: steps[3].item.id: 'mail-envoyer--espace' est "
        "déjà un exercice de content/exercises/yes_no.json"
    ]


def test_prerequisites_make_no_cycle(modules_copy, items):
    rewrite(modules_copy / "mail-envoyer.json", lambda d: d.update(prerequisites=["mail-joindre"]))
    problems = check_modules(items, modules_copy).problems
    expected = "prerequisites: ce module dépend de lui-même par ses prérequis"
    assert f"{modules_copy / 'mail-envoyer.json'}: {expected}" in problems
    assert f"{modules_copy / 'mail-joindre.json'}: {expected}" in problems


def test_a_card_picture_with_a_script_is_refused(modules_copy, items, tmp_path):
    pictures = tmp_path / "exercises" / "pictures"
    shutil.copytree(Path(exercises.content_dir()) / "pictures", pictures)
    (pictures / "module-enveloppe.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        encoding="utf-8",
    )
    problems = check_modules(items, modules_copy, tmp_path / "exercises").problems
    assert (
        f"{modules_copy / 'mail-envoyer.json'}: steps[0].picture: l'image "
        "'module-enveloppe.svg' contient un script, un style ou un lien externe"
    ) in problems
    assert all("module-enveloppe.svg" in problem for problem in problems)


def test_unreadable_json_is_named(modules_copy, items):
    (modules_copy / "casse.json").write_text('{"id": ', encoding="utf-8")
    problems = check_modules(items, modules_copy).problems
    assert len(problems) == 1
    assert problems[0].startswith(f"{modules_copy / 'casse.json'}: JSON illisible")
