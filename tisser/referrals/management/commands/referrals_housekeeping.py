"""Daily upkeep of the referral lifecycle, by hand: expiry and reminders.

The same work runs every day as the periodic job ``referrals.housekeeping``
(``manage.py run_due_jobs``); this command runs it now, outside the schedule. It is
idempotent (see tisser/referrals/housekeeping.py). ``--now`` (ISO date-time) replays a given
moment, for tests and operations.
"""

from django.core.management.base import BaseCommand, CommandError

from tisser.core.scheduler import parse_now
from tisser.referrals.housekeeping import run_housekeeping

__all__ = ["Command", "run_housekeeping"]  # run_housekeeping: kept importable from here


class Command(BaseCommand):
    help = (
        "Fait expirer les bons d'orientation sans réponse ou sans venue depuis 30 jours et "
        "rappelle aux espaces, tous les 10 jours, ceux qui attendent une réponse."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="Date et heure de référence au format ISO (par défaut : maintenant).",
        )

    def handle(self, *args, now=None, **options):
        try:
            moment = parse_now(now)
        except ValueError as exc:
            raise CommandError(
                f"--now : date invalide « {now} ». Exemple : 2026-11-26T08:00:00+01:00."
            ) from exc
        counts = run_housekeeping(moment)
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['expired']} bon(s) d'orientation expiré(s), "
                f"{counts['reminded']} rappel(s) envoyé(s) aux espaces."
            )
        )
