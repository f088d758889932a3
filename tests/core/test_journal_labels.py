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
WRITERS = {"record", "build_entry"}
# A helper that takes the code positionally: (function, position).
CODE_HELPERS = {"_record_member_event": 1}  # accounts: (actor, action, member)
# Any call passing ``action_code=`` ends in ``transitions.journal_entry``: "referral.<code>".
TRANSITION_KEYWORD, TRANSITION_PREFIX = "action_code", "referral."


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


def _strings(node, constants) -> list[str] | None:
    """The codes an argument can hold, or None when they cannot be read statically."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in constants:
        return [constants[node.id]]
    return None


def _assigned_codes(function: ast.AST, name: str) -> list[str]:
    """Codes assigned to a local variable (``action, source = "a.b", "x"``)."""
    codes = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == name:
                codes += _strings(node.value, {}) or []
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                for element, value in zip(target.elts, node.value.elts, strict=False):
                    if isinstance(element, ast.Name) and element.id == name:
                        codes += _strings(value, {}) or []
    return codes


def written_codes() -> tuple[set[str], list[str]]:
    codes: set[str] = set()
    unreadable: list[str] = []
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(module)
        functions = [n for n in ast.walk(module) if isinstance(n, ast.FunctionDef)]
        for function in functions:
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                name = _name(call.func)
                where = f"{path.relative_to(ROOT.parent)}:{call.lineno}"
                if name in WRITERS:
                    argument = next((k.value for k in call.keywords if k.arg == "action"), None)
                    prefix = ""
                elif name in CODE_HELPERS:
                    position, prefix = CODE_HELPERS[name], ""
                    argument = call.args[position] if len(call.args) > position else None
                elif any(k.arg == TRANSITION_KEYWORD for k in call.keywords):
                    argument = next(k.value for k in call.keywords if k.arg == TRANSITION_KEYWORD)
                    prefix = TRANSITION_PREFIX
                else:
                    continue
                if argument is None:
                    continue
                found = _strings(argument, constants)
                if found is None and isinstance(argument, ast.Name):
                    found = _assigned_codes(function, argument.id) or None
                    if found is None and any(
                        a.arg == argument.id for a in function.args.kwonlyargs + function.args.args
                    ):
                        continue  # a pass-through parameter: its callers are scanned
                if found is None:
                    if isinstance(argument, ast.JoinedStr):
                        continue  # ``f"referral.{action_code}"``: the helper's callers are scanned
                    unreadable.append(where)
                    continue
                codes.update(prefix + code for code in found)
    return codes, unreadable


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
