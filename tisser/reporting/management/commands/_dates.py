"""Shared arguments of the reporting commands: a date range and a network."""

import datetime

from django.core.management.base import CommandError

from tisser.reporting import rollups


def parse_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Date invalide : {value} (attendu AAAA-MM-JJ).") from error


def add_range_arguments(parser, *, required: bool) -> None:
    parser.add_argument(
        "--from",
        dest="start",
        type=parse_day,
        required=required,
        help="Premier jour (AAAA-MM-JJ)"
        + ("" if required else " ; par défaut le premier jour qui a des données."),
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=parse_day,
        required=required,
        help="Dernier jour (AAAA-MM-JJ)"
        + ("" if required else " ; par défaut le dernier jour qui a des données."),
    )
    parser.add_argument(
        "--network", type=int, default=None, help="Identifiant du réseau (par défaut : tous)."
    )


def resolve_range(start, end, network_id):
    """The asked range, or the span of the records when a bound is missing (None: none)."""
    if start is None or end is None:
        found = rollups.span(network_id=network_id)
        if found is None:
            return None
        start, end = start or found[0], end or found[1]
    if start > end:
        raise CommandError("La date de début est après la date de fin.")
    return start, end
