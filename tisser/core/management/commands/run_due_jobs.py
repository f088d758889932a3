"""Run the periodic jobs whose latest slot has passed and was not run yet.

Safe to run every minute, and from two machines at once: each job runs at most once per
slot (see tisser/core/scheduler.py). ``--now`` (ISO date-time) replays a given moment, for
tests and operations. Exits with status 1 when a job failed (after running the others).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tisser.core import scheduler
from tisser.core.management.now_option import add_now_argument, now_from_option


class Command(BaseCommand):
    help = (
        "Lance les tâches périodiques dont l'échéance est passée (une seule fois par "
        "échéance, même avec deux planificateurs)."
    )

    def add_arguments(self, parser):
        add_now_argument(parser)

    def handle(self, *args, now=None, **options):
        moment = now_from_option(now)
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
