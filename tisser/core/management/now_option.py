"""The ``--now ISO-DATETIME`` option that every command run by a clock takes (jobs, replays)."""

from datetime import datetime

from django.core.management.base import CommandError

from tisser.core.scheduler import parse_now


def add_now_argument(parser) -> None:
    parser.add_argument(
        "--now",
        help="Date et heure de référence au format ISO (par défaut : maintenant).",
    )


def now_from_option(value: str | None) -> datetime:
    """The moment given with ``--now`` (or now); a French error for a malformed date."""
    try:
        return parse_now(value)
    except ValueError as exc:
        raise CommandError(
            f"--now : date invalide « {value} ». Exemple : 2026-11-26T08:00:00+01:00."
        ) from exc
