"""Rebuild the roll-ups of a date range from the raw records (decision 0055)."""

import time

from django.core.management.base import BaseCommand

from tisser.reporting import rollups
from tisser.reporting.management.commands._dates import add_range_arguments


class Command(BaseCommand):
    help = (
        "Recalcule depuis les données brutes les chiffres consolidés de chaque jour de la "
        "période, pour chaque espace, puis les mois, les années et le réseau."
    )

    def add_arguments(self, parser):
        add_range_arguments(parser, required=True)

    def handle(self, *args, start, end, network=None, **options):
        started = time.monotonic()
        written = rollups.rebuild(start, end, network_id=network)
        self.stdout.write(
            self.style.SUCCESS(
                f"Chiffres consolidés reconstruits du {start:%d/%m/%Y} au {end:%d/%m/%Y} : "
                f"{written} élément(s) écrit(s) en {time.monotonic() - started:.1f} s."
            )
        )
