"""The skills framework and the two forms as the rest of the diagnostic reads them."""

import json
import shutil
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

from tisser.diagnostics import framework
from tisser.diagnostics.enums import AUTONOMY_LEVEL
from tisser.exercises import content
from tisser.exercises.content import UNSAFE_SVG, ContentError, Item

CODES = ["appareil", "informations", "communiquer", "demarches", "securite", "emploi"]


@pytest.fixture(autouse=True)
def _fresh():
    framework.clear_cache()
    content.clear_cache()
    yield
    framework.clear_cache()
    content.clear_cache()


@pytest.fixture
def skills_copy(tmp_path, settings):
    copy = tmp_path / "skills"
    shutil.copytree(Path(settings.SKILLS_CONTENT_DIR), copy)
    settings.SKILLS_CONTENT_DIR = copy
    return copy


def test_six_domains_in_order_with_their_mapping_and_pictogram():
    domains = framework.domains()
    assert [d.code for d in domains] == CODES
    assert [d.code for d in domains if d.jobseekers_only] == ["emploi"]
    assert framework.domain("securite").pix == ("4.1", "4.2", "4.3")
    assert framework.domain("securite").digcomp == ("4",)
    for domain in domains:
        assert domain.pix and domain.digcomp and domain.uk_eds, domain.code
        svg = framework.picture_svg(domain.code)
        assert svg.startswith("<svg") and not UNSAFE_SVG.search(svg)
    with pytest.raises(KeyError):
        framework.domain("cuisine")


def test_five_levels_from_discovery_to_ease_autonomy_from_three():
    levels = framework.levels()
    assert [level.number for level in levels] == [0, 1, 2, 3, 4]
    assert levels[0].title == "Je découvre"
    assert levels[-1].title == "Je suis à l'aise"
    assert [level.autonomous for level in levels] == [False, False, False, True, True]
    assert framework.level(AUTONOMY_LEVEL).title == "Je me débrouille seul"


def test_context_questions_have_codes_and_answer_options():
    questions = {q.code: q for q in framework.context_questions()}
    assert set(questions) == {
        "smartphone",
        "ordinateur",
        "internet_maison",
        "adresse_mail",
        "demarches_seul",
        "objectif",
    }
    assert questions["smartphone"].option("oui").label == "Oui"
    assert questions["smartphone"].option("peut-etre") is None
    assert questions["objectif"].option("emploi").label == "Trouver un emploi ou une formation"


def test_each_form_has_the_same_count_in_every_cell_and_no_shared_item():
    per_kind = {}
    for kind in framework.KINDS:
        items = framework.form_items(kind)
        cells = Counter((item.domain, item.level) for item in items)
        assert set(cells) == {(code, level) for code in CODES for level in range(5)}
        assert len(set(cells.values())) == 1
        assert min(cells.values()) >= 2
        assert all(isinstance(item, Item) for item in items)
        per_kind[kind] = {item.key for item in items}
    assert len(per_kind["entry"]) == sum(cells.values())
    assert not per_kind["entry"] & per_kind["exit"]


def test_form_items_come_by_domain_then_level():
    items = framework.form_items("entry")
    order = [(CODES.index(item.domain), item.level) for item in items]
    assert order == sorted(order)


def test_the_two_forms_are_parallel_cell_by_cell():
    """Same item types and the same blind-guess rates in each cell of entry and exit."""

    def profile(kind):
        cells = {}
        for item in framework.form_items(kind):
            cells.setdefault((item.domain, item.level), []).append(
                (item.type, framework.guess_rate(item))
            )
        return {cell: sorted(values) for cell, values in cells.items()}

    assert profile("entry") == profile("exit")


def test_form_items_are_hard_to_guess():
    """No gesture (always right), at most one yes/no per domain and form, guess at most 1/5."""
    for kind in framework.KINDS:
        items = framework.form_items(kind)
        assert not [item.key for item in items if item.type == "pointer"]
        yes_no = Counter(item.domain for item in items if item.type == "yes_no")
        assert max(yes_no.values(), default=0) <= 1
        assert max(framework.guess_rate(item) for item in items) <= 0.2


def test_the_bank_mirrors_the_form():
    bank = framework.form_bank("exit")
    items = framework.form_items("exit")
    first = items[0]
    cell = bank.cell(first.domain, first.level)
    assert [bank_item.key for bank_item in cell] == [
        item.key for item in items if (item.domain, item.level) == (first.domain, first.level)
    ]
    assert bank.domains() == sorted(CODES)
    assert cell[0].guess_rate == framework.guess_rate(first)


@pytest.mark.parametrize(
    ("item_type", "choices", "rate"),
    [
        ("choice", 4, Fraction(1, 4)),
        ("choice", 31, Fraction(1, 31)),
        ("yes_no", 2, Fraction(1, 2)),
        ("order", 24, Fraction(1, 24)),
        ("zone", 5, Fraction(1, 5)),
        ("mailbox", 4, Fraction(1, 4)),
        ("typing", 1, 0),
        ("form", 1, 0),
        ("pointer", 1, 1),
    ],
)
def test_guess_rate_by_type(item_type, choices, rate):
    item = Item(
        key="x",
        version=1,
        type=item_type,
        instruction="Essai",
        choices=choices,
        level=1,
        domain="appareil",
        content={},
    )
    assert framework.guess_rate(item) == pytest.approx(float(rate))


def test_form_version_is_a_hash_per_kind_that_follows_the_forms(skills_copy):
    entry, exit_ = framework.form_version("entry"), framework.form_version("exit")
    assert len(entry) == 64 and entry != exit_
    path = skills_copy / "forms" / "appareil.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entry"]["1"].reverse()
    path.write_text(json.dumps(data), encoding="utf-8")
    framework.clear_cache()
    assert framework.form_version("entry") != entry
    assert framework.form_version("exit") == exit_


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        framework.form_items("milieu")


def test_broken_content_is_never_loaded(skills_copy):
    path = skills_copy / "forms" / "informations.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["exit"]["3"].pop()
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContentError, match=r"forms/informations.json: exit.3: 1 exercice"):
        framework.form_bank("exit")
    # The framework itself is right: its domains and levels still read (results, pages).
    assert framework.domain("informations").label == "Trouver une information"


def test_a_broken_framework_is_never_loaded(skills_copy):
    path = skills_copy / "framework.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["domains"][0]["jobseekers_only"] = "non"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContentError, match=r"framework.json: domains\[0\].jobseekers_only"):
        framework.domains()


def test_every_exercise_domain_is_a_framework_domain():
    """The practice items use the framework's codes too (no « clavier », « prise_en_main »)."""
    used = {item.domain for item in content.catalogue().values() if item.domain}
    assert used <= set(CODES)
    assert content.get_item("taper-adresse-mail").domain == "appareil"
    assert content.get_item("geste-toucher").domain == "appareil"
