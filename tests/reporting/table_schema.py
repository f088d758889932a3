"""A small Table Schema validator (frictionlessdata.io), enough for the national places
standard: the header in the schema's order, then per field its type (string, number,
integer, boolean, date in its default ISO form) and constraints (required, unique, pattern
— matched whole, as Table Schema says —, enum, minLength, maxLength). An empty cell is a
missing value. Returns the problems in words; an empty list means the file is valid."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

TRUE_VALUES = {"true", "True", "TRUE", "1"}
FALSE_VALUES = {"false", "False", "FALSE", "0"}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _type_error(field: dict, value: str) -> str | None:
    kind = field.get("type", "string")
    if kind == "string":
        return None
    if kind == "number":
        try:
            Decimal(value)
        except InvalidOperation:
            return "not a number"
        return (
            None
            if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", value)
            else ("not a number")
        )
    if kind == "integer":
        return None if re.fullmatch(r"[+-]?\d+", value) else "not an integer"
    if kind == "boolean":
        return None if value in TRUE_VALUES | FALSE_VALUES else "not a boolean"
    if kind == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return "not a date"
        return None if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else "not a YYYY-MM-DD date"
    return f"unknown type {kind}"


def validate(schema: dict, text: str, *, delimiter: str = ",") -> list[str]:
    problems: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        return ["empty file"]
    header, *lines = rows
    names = [field["name"] for field in schema["fields"]]
    if header != names:
        problems.append(f"header {header} is not the schema's {names}")
        return problems
    seen: dict[str, set[str]] = {name: set() for name in names}
    for number, line in enumerate(lines, start=2):
        if len(line) != len(names):
            problems.append(f"line {number}: {len(line)} cells, {len(names)} expected")
            continue
        for field, value in zip(schema["fields"], line, strict=True):
            name = field["name"]
            constraints = field.get("constraints", {})
            where = f"line {number}, {name} ({value!r})"
            if value == "":
                if constraints.get("required"):
                    problems.append(f"{where}: required")
                continue
            error = _type_error(field, value)
            if error:
                problems.append(f"{where}: {error}")
                continue
            pattern = constraints.get("pattern")
            if pattern is not None and not re.fullmatch(pattern, value):
                problems.append(f"{where}: does not match {pattern}")
            if "enum" in constraints and value not in constraints["enum"]:
                problems.append(f"{where}: not one of {constraints['enum']}")
            if "minLength" in constraints and len(value) < constraints["minLength"]:
                problems.append(f"{where}: shorter than {constraints['minLength']}")
            if "maxLength" in constraints and len(value) > constraints["maxLength"]:
                problems.append(f"{where}: longer than {constraints['maxLength']}")
            if constraints.get("unique"):
                if value in seen[name]:
                    problems.append(f"{where}: not unique")
                seen[name].add(value)
    return problems
