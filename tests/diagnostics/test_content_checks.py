"""content/skills/ is checked with the exercise items; each problem names file and field."""

import json
import shutil
from pathlib import Path

import pytest
from django.core import checks
from django.core.management import CommandError, call_command

from tests.helpers import rewrite_json as rewrite
from tisser.diagnostics.framework import check_skills
from tisser.exercises import content
from tisser.exercises.content import check_directory, content_checkers


@pytest.fixture(autouse=True)
def _fresh():
    content.clear_cache()
    yield
    content.clear_cache()


@pytest.fixture
def skills_copy(tmp_path, settings):
    copy = tmp_path / "skills"
    shutil.copytree(Path(settings.SKILLS_CONTENT_DIR), copy)
    settings.SKILLS_CONTENT_DIR = copy
    return copy


@pytest.fixture
def items():
    return {item.key: item for item in check_directory().items}


def problems_of(root, items):
    return check_skills(items, root).problems


def test_the_project_content_passes(items):
    report = check_skills(items)
    assert report.problems == []
    assert report.files == 7  # framework.json and six forms


def test_check_content_checks_the_skills_too(capsys):
    assert "référentiel de compétences" in content_checkers()
    call_command("check_content")
    out = capsys.readouterr().out
    assert "référentiel de compétences : 7 fichiers" in out
    assert "tout est conforme" in out


def test_check_content_fails_on_a_broken_form(skills_copy, capsys):
    rewrite(skills_copy / "forms" / "appareil.json", lambda d: d["entry"]["2"].pop())
    with pytest.raises(CommandError):
        call_command("check_content")
    err = capsys.readouterr().err
    assert f"{skills_copy / 'forms' / 'appareil.json'}: entry.2: 1 exercice(s), il en faut 2" in err


def test_the_system_check_refuses_broken_skills(skills_copy, settings):
    settings.SKILLS_CONTENT_DIR = Path(settings.BASE_DIR) / "content" / "skills"
    assert not [m for m in checks.run_checks(tags=["tisser"]) if m.id == "diagnostics.E001"]
    settings.SKILLS_CONTENT_DIR = skills_copy
    rewrite(skills_copy / "framework.json", lambda d: d["levels"][0].pop("title"))
    errors = [m for m in checks.run_checks(tags=["tisser"]) if m.id == "diagnostics.E001"]
    assert len(errors) == 1
    assert "framework.json: levels[0]: 'title' is a required property" in errors[0].msg


def first_key(root, domain, kind, level, index=0):
    data = json.loads((root / "forms" / f"{domain}.json").read_text(encoding="utf-8"))
    return data[kind][str(level)][index]


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        (
            "framework.json",
            lambda d: d["domains"][1].update(code="internet"),
            "framework.json: domains[1].code: 'internet' is not one of",
        ),
        (
            "framework.json",
            lambda d: d["domains"][0]["pix"].append("6.1"),
            "framework.json: domains[0].pix[3]: '6.1' is not one of",
        ),
        (
            "framework.json",
            lambda d: d["domains"][2].update(picture="absente.svg"),
            "framework.json: domains[2].picture: l'image 'absente.svg' n'existe pas",
        ),
        (
            "framework.json",
            lambda d: d["levels"].reverse(),
            "framework.json: levels: les niveaux doivent être 0, 1, 2, 3, 4",
        ),
        (
            "framework.json",
            lambda d: d["context_questions"][5]["options"][1].update(code="demarches"),
            "framework.json: context_questions[5].options[1].code: 'demarches' en double",
        ),
        (
            "forms/communiquer.json",
            lambda d: d["exit"].pop("4"),
            "forms/communiquer.json: exit: '4' is a required property",
        ),
        (
            "forms/communiquer.json",
            lambda d: d.update(domain="appareil"),
            "forms/communiquer.json: domain: 'appareil', alors que le fichier s'appelle",
        ),
        (
            "forms/appareil.json",
            lambda d: d["entry"]["0"].append("diag-inconnu"),
            "forms/appareil.json: entry.0[2]: 'diag-inconnu' n'est pas un exercice",
        ),
        (
            "forms/appareil.json",
            lambda d: d["entry"]["0"].append("geste-toucher"),
            "forms/appareil.json: entry.0[2]: 'geste-toucher' est un geste (pointer)",
        ),
        (
            "forms/appareil.json",
            lambda d: d["entry"]["1"].append("geste-glisser"),
            "forms/appareil.json: entry.1: 3 exercice(s), il en faut 2 comme dans chaque case",
        ),
        (
            "forms/appareil.json",
            lambda d: d["entry"]["3"].append("choix-bouton-envoyer"),
            "forms/appareil.json: entry.3[2]: l'exercice 'choix-bouton-envoyer' a pour domaine "
            "'communiquer', pas 'appareil'",
        ),
        (
            "forms/appareil.json",
            lambda d: d["entry"]["3"].append("geste-glisser"),
            "forms/appareil.json: entry.3[2]: l'exercice 'geste-glisser' est de niveau 1, pas 3",
        ),
        (
            "forms/informations.json",
            lambda d: d["exit"]["2"].append(d["exit"]["2"][0]),
            "forms/informations.json: exit.2[2]: 'diag-informations-s2-1' est déjà dans "
            "…forms/informations.json (exit.2)",
        ),
        (
            "forms/informations.json",
            lambda d: d["exit"]["0"].__setitem__(0, d["entry"]["0"][0]),
            "forms/informations.json: exit.0[0]: 'diag-informations-e0-1' est déjà dans "
            "…forms/informations.json (entry.0)",
        ),
    ],
)
def test_each_broken_rule_names_its_file_and_field(skills_copy, items, file, change, expected):
    """``…`` in ``expected`` stands for the copy's directory, which varies."""
    rewrite(skills_copy / file, change)
    problems = problems_of(skills_copy, items)
    parts = expected.split("…")
    assert any(all(part in problem for part in parts) for problem in problems), problems


def test_every_cell_of_every_form_and_domain_has_the_same_count(skills_copy, items):
    """Three items in every cell of one domain: that domain is named, cell by cell."""

    def three_per_cell(data):
        for kind in ("entry", "exit"):
            for level in "01234":
                data[kind][level].append(data[kind][level][0] + "-bis")

    rewrite(skills_copy / "forms" / "communiquer.json", three_per_cell)
    problems = problems_of(skills_copy, items)
    counted = [p for p in problems if "il en faut" in p]
    assert len(counted) == 10
    assert all(
        "forms/communiquer.json" in p and "3 exercice(s), il en faut 2" in p for p in counted
    )


def test_a_cell_below_two_is_refused_even_when_all_agree(skills_copy, items):
    for path in (skills_copy / "forms").glob("*.json"):

        def one_per_cell(data):
            for kind in ("entry", "exit"):
                for level in "01234":
                    del data[kind][level][1:]

        rewrite(path, one_per_cell)
    problems = problems_of(skills_copy, items)
    assert any("appareil.json: entry.0: 1 exercice(s), il en faut 2" in p for p in problems)


def test_the_framework_lists_exactly_the_domains_with_forms(skills_copy, items):
    (skills_copy / "forms" / "emploi.json").unlink()
    problems = problems_of(skills_copy, items)
    assert any(
        "framework.json: domains[5].code: le domaine 'emploi' n'a pas de questionnaire" in p
        for p in problems
    )
    rewrite(skills_copy / "framework.json", lambda d: d["domains"].pop(0))
    problems = problems_of(skills_copy, items)
    assert any(
        "forms/appareil.json: domain: 'appareil' n'est pas un domaine de framework.json" in p
        for p in problems
    )


def test_a_pictogram_with_a_script_is_refused(skills_copy, items):
    (skills_copy / "pictures" / "securite.svg").write_text(
        '<svg viewBox="0 0 10 10" onload="alert(1)"></svg>', encoding="utf-8"
    )
    problems = problems_of(skills_copy, items)
    assert any("domains[4].picture:" in p and "script" in p for p in problems)


def test_a_heavy_pictogram_is_refused(skills_copy, items):
    (skills_copy / "pictures" / "emploi.svg").write_text(
        "<svg>" + " " * (13 * 1024) + "</svg>", encoding="utf-8"
    )
    problems = problems_of(skills_copy, items)
    assert any("domains[5].picture: l'image 'emploi.svg' pèse" in p for p in problems)


def test_unreadable_json_is_named(skills_copy, items):
    (skills_copy / "forms" / "securite.json").write_text("{ pas du json", encoding="utf-8")
    problems = problems_of(skills_copy, items)
    assert any("forms/securite.json: JSON illisible" in p for p in problems)
