"""Recompute the roll-ups of every (site, day, dimension) marked stale (decision 0055)."""

from django.core.management.base import BaseCommand

from tisser.reporting import rollups


class Command(BaseCommand):
    help = (
        "Recalcule les chiffres consolidés marqués à recalculer (ce que fait la tâche périodique)."
    )

    def handle(self, *args, **options):
        written = rollups.refresh_stale()
        self.stdout.write(
            self.style.SUCCESS(f"Chiffres consolidés recalculés : {written} élément(s) écrit(s).")
        )
