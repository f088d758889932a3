"""Every content file is checked by its schema; a broken one is named with its field."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.helpers import rewrite_json as rewrite
from tisser.exercises.content import MODULE_ONLY_TYPES, TYPES, check_directory, validator

CONTENT = Path(settings.EXERCISES_CONTENT_DIR)


def test_check_content_command_passes_on_the_project_content(capsys):
    call_command("check_content")
    out = capsys.readouterr().out
    assert "tout est conforme" in out


def test_every_type_has_a_schema_and_at_least_one_item():
    report = check_directory()
    assert not report.problems
    for item_type in TYPES:
        validator(item_type)  # the schema itself is valid JSON Schema
        if item_type in MODULE_ONLY_TYPES:
            continue  # in the modules' files (tests/learning/test_simulation*.py)
        assert any(item.type == item_type for item in report.items), item_type


@pytest.fixture
def broken_dir(tmp_path):
    copy = tmp_path / "exercises"
    shutil.copytree(CONTENT, copy)
    return copy


def test_a_broken_item_is_reported_with_its_file_and_field(broken_dir, capsys):
    def negative_width(data):
        data["content"]["zones"][1]["w"] = 0

    rewrite(broken_dir / "zone.json", negative_width)
    with pytest.raises(CommandError):
        call_command("check_content", "--dir", str(broken_dir))
    err = capsys.readouterr().err
    assert f"{broken_dir / 'zone.json'}: content.zones[1].w:" in err


def test_an_item_in_a_list_is_named_by_its_index(broken_dir):
    def drop_instruction(data):
        del data[1]["instruction"]

    rewrite(broken_dir / "choice.json", drop_instruction)
    problems = check_directory(broken_dir).problems
    assert len(problems) == 1
    assert "choice.json: [1]: 'instruction' is a required property" in problems[0]


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        (
            "choice.json",
            lambda d: d[0]["content"].update(correct=["inconnu"]),
            "[0].content.correct[0]: 'inconnu' n'est pas une des réponses proposées",
        ),
        ("yes_no.json", lambda d: d.update(choices=3), "choices: un oui / non a 2"),
        ("yes_no.json", lambda d: d.update(level=5), "level: 5 is greater than the maximum of 4"),
        (
            "order.json",
            lambda d: d["content"].update(shown=["ouvrir", "contact", "photo", "envoyer"]),
            "content.shown: les étapes ne doivent pas être montrées déjà dans l'ordre",
        ),
        (
            "form.json",
            lambda d: d["content"]["fields"][3]["rule"].update(value="0[67"),
            "content.fields[3].rule.value: motif invalide",
        ),
        (
            "mailbox.json",
            lambda d: d[1]["content"].update(target="pub"),
            "[1].content.target: le message à trouver n'a pas de pièce jointe",
        ),
        (
            "pointer.json",
            lambda d: d[3]["content"].pop("drop"),
            "[3].content.drop: un glisser-déposer dit où déposer",
        ),
        (
            "typing.json",
            lambda d: d["content"].update(colour="rouge"),
            "content: Additional properties are not allowed ('colour' was unexpected)",
        ),
        (
            "zone.json",
            lambda d: d["content"].update(picture="absente.svg"),
            "content.picture: l'image 'absente.svg' n'existe pas",
        ),
    ],
)
def test_rules_beyond_the_schema_name_the_field(broken_dir, file, change, expected):
    rewrite(broken_dir / file, change)
    problems = check_directory(broken_dir).problems
    assert any(expected in problem and file in problem for problem in problems), problems


def test_a_picture_with_a_script_is_refused(broken_dir):
    picture = broken_dir / "pictures" / "ecran-accueil.svg"
    picture.write_text('<svg viewBox="0 0 10 10"><script>alert(1)</script></svg>')
    problems = check_directory(broken_dir).problems
    assert any("zone.json: content.picture:" in p and "script" in p for p in problems)


def test_two_items_with_one_id_are_refused(broken_dir):
    (broken_dir / "copie.json").write_text(
        (broken_dir / "typing.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    problems = check_directory(broken_dir).problems
    assert any("'taper-adresse-mail' est déjà celui" in p for p in problems)


def test_unreadable_json_is_named(broken_dir):
    (broken_dir / "typing.json").write_text("{ pas du json", encoding="utf-8")
    problems = check_directory(broken_dir).problems
    assert any("typing.json: JSON illisible" in p for p in problems)


def test_the_system_check_refuses_a_broken_directory(broken_dir, settings):
    from django.core import checks

    rewrite(broken_dir / "yes_no.json", lambda d: d.update(level=9))
    assert not [m for m in checks.run_checks(tags=["tisser"]) if m.id == "exercises.E001"]
    settings.EXERCISES_CONTENT_DIR = broken_dir
    errors = [m for m in checks.run_checks(tags=["tisser"]) if m.id == "exercises.E001"]
    assert len(errors) == 1
    assert "yes_no.json: level: 9 is greater than the maximum of 4" in errors[0].msg
