"""Run the periodic jobs whose latest slot has passed and was not run yet.

Safe to run every minute, and from two machines at once: each job runs at most once per
slot (see tisser/core/scheduler.py). ``--now`` (ISO date-time) replays a given moment, for
tests and operations. Exits with status 1 when a job failed (after running the others).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tisser.core import scheduler


class Command(BaseCommand):
    help = (
        "Lance les tâches périodiques dont l'échéance est passée (une seule fois par "
        "échéance, même avec deux planificateurs)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="Date et heure de référence au format ISO (par défaut : maintenant).",
        )

    def handle(self, *args, now=None, **options):
        try:
            moment = scheduler.parse_now(now)
        except ValueError as exc:
            raise CommandError(
                f"--now : date invalide « {now} ». Exemple : 2026-11-26T08:00:00+01:00."
            ) from exc
        results = scheduler.run_due_jobs(now=moment)
        failed = []
        for result in results:
            slot = timezone.localtime(result.slot).strftime("%d/%m/%Y %H:%M")
            if result.outcome == "succeeded":
                line = f"{result.name} ({slot}) : terminée. {result.summary}".rstrip()
                self.stdout.write(self.style.SUCCESS(line))
            elif result.outcome == "failed":
                failed.append(result.name)
                self.stderr.write(f"{result.name} ({slot}) : en échec — {result.error}")
            elif result.outcome == "busy" and options["verbosity"] >= 1:
                self.stdout.write(f"{result.name} ({slot}) : déjà lancée ailleurs.")
            elif options["verbosity"] >= 2:
                self.stdout.write(f"{result.name} : rien à faire (échéance {slot} déjà traitée).")
        if failed:
            raise CommandError(f"{len(failed)} tâche(s) en échec : {', '.join(failed)}.")
