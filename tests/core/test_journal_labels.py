"""Every action code written anywhere in ``tisser/`` has a French label, and the journal's
details read in French (docs/decisions/0030-journal-in-plain-french.md).

The scan reads the source: every call to ``record``/``build_entry`` (and the member and
transition helpers that build the code) is found with the ``ast`` module, so a new write
without a label fails here before anyone sees a raw code on the journal page.
"""

import ast
from pathlib import Path

import pytest

from tisser.core import journal_labels
from tisser.core.journal_labels import ObjectName

ROOT = Path(__file__).resolve().parents[2] / "tisser"
WRITERS = {"record", "build_entry"}  # tisser.core.journal: the code is their ``action=``


def _name(func) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _constants(module: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in module.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }


def _assigned_codes(function: ast.AST, name: str) -> list[str]:
    """Codes assigned to a local variable (``action, source = "a.b", "x"``)."""
    codes = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            pairs = [(target, node.value)]
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = list(zip(target.elts, node.value.elts, strict=False))
            for element, value in pairs:
                named = isinstance(element, ast.Name) and element.id == name
                if named and isinstance(value, ast.Constant) and isinstance(value.value, str):
                    codes.append(value.value)
    return codes


def _calls():
    """Every call in ``tisser/``: (call, enclosing function, module constants, place, module)."""
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(module)
        for function in (n for n in ast.walk(module) if isinstance(n, ast.FunctionDef)):
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                place = f"{path.relative_to(ROOT.parent)}:{call.lineno}"
                yield call, function, constants, place, path


def _argument(call: ast.Call, sink) -> ast.AST | None:
    _function, parameter, position, _prefix, _module = sink
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


def _parameter(function: ast.FunctionDef, name: str) -> tuple[str, int | None] | None:
    positional = [a.arg for a in function.args.posonlyargs + function.args.args]
    if name in positional:
        return name, positional.index(name)
    if name in [a.arg for a in function.args.kwonlyargs]:
        return name, None
    return None


def written_codes() -> tuple[set[str], list[str]]:
    """Follow the code from each journal write back to the literals it comes from.

    A write's ``action=`` (or a helper's parameter that ends up there, possibly inside an
    f-string such as ``f"appointment.{action}"``) is traced through the callers of the
    enclosing function until each path ends on a string literal or a module constant.
    """
    calls = list(_calls())
    # A sink is (function, parameter, position, prefix, module): a private helper
    # (``_journal``) is followed only in its own module, where its name means one function.
    sinks = {(name, "action", None, "", None) for name in WRITERS}
    codes: set[str] = set()
    unreadable: set[str] = set()
    done: set = set()
    while sinks - done:
        for sink in sinks - done:
            done.add(sink)
            for call, function, constants, where, module in calls:
                if _name(call.func) != sink[0] or sink[4] not in (None, module):
                    continue
                argument = _argument(call, sink)
                if argument is None:
                    continue
                prefix, variable = sink[3], None
                if isinstance(argument, ast.JoinedStr):
                    parts = argument.values
                    if (
                        len(parts) == 2
                        and isinstance(parts[0], ast.Constant)
                        and isinstance(parts[1], ast.FormattedValue)
                        and isinstance(parts[1].value, ast.Name)
                    ):
                        prefix, variable = prefix + parts[0].value, parts[1].value.id
                    else:
                        unreadable.add(where)
                        continue
                elif isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    codes.add(prefix + argument.value)
                    continue
                elif isinstance(argument, ast.Name):
                    variable = argument.id
                else:
                    unreadable.add(where)
                    continue
                if variable in constants:
                    codes.add(prefix + constants[variable])
                elif local := _assigned_codes(function, variable):
                    codes.update(prefix + code for code in local)
                elif parameter := _parameter(function, variable):
                    private = module if function.name.startswith("_") else None
                    sinks.add((function.name, *parameter, prefix, private))
                else:
                    unreadable.add(where)
    return codes, sorted(unreadable)


def test_every_written_action_has_a_french_label():
    codes, unreadable = written_codes()
    assert not unreadable, f"Journal codes that cannot be read statically: {unreadable}"
    # The scan does see the writes of every app (a broken scan would pass vacuously).
    assert {
        "beneficiary.viewed",
        "referral.accepted",
        "member.role_changed",
        "demo.seeded",
    } <= codes
    assert {"notification.anonymous_sms_cap_reached", "journal.purged", "journal.exported"} <= codes
    missing = sorted(codes - set(journal_labels.registry().actions))
    assert not missing, f"Journal actions without a French label: {missing}"


def test_a_status_change_reads_in_french():
    lines = journal_labels.details(
        "referral.submitted", {"from": "draft", "to": "moderation_pending"}
    )
    assert lines == [("changement", "de : brouillon → à : en attente de modération")]


def test_codes_in_details_become_labels_and_unknown_keys_stay_visible():
    payload = {"old_role": "mediator", "new_role": "site_manager", "extra": 3}
    lines = dict(journal_labels.details("member.role_changed", payload))
    assert lines["ancien rôle"] not in ("mediator", "")
    assert lines["nouveau rôle"].startswith("responsable")
    assert lines["extra"] == "3"


def test_an_unknown_action_is_shown_as_its_code():
    assert journal_labels.action_label("something.else") == "something.else"
    assert journal_labels.action_label("beneficiary.viewed") == "Dossier consulté"


@pytest.mark.django_db
def test_an_object_that_no_longer_exists_is_named_without_a_link(network_admin):
    class Entry:
        object_type, object_id = "activities.activity", "999999"

    names = journal_labels.resolve_objects(network_admin, [Entry()])
    assert names[("activities.activity", "999999")] == ObjectName("Activité n° 999999")
