"""Compare the roll-ups with the raw records over a period; fail on any difference."""

import time

from django.core.management.base import BaseCommand, CommandError

from tisser.reporting.management.commands._dates import add_range_arguments, resolve_range
from tisser.reporting.verify import verify


class Command(BaseCommand):
    help = (
        "Recalcule chaque indicateur depuis les données brutes (réseau, chaque espace, "
        "chaque mois, chaque clé) et le compare aux chiffres consolidés ; échoue s'il y a "
        "une différence. Sans --from/--to : toute la période qui a des données."
    )

    def add_arguments(self, parser):
        add_range_arguments(parser, required=False)

    def handle(self, *args, start=None, end=None, network=None, **options):
        started = time.monotonic()
        found = resolve_range(start, end, network)
        if found is None:
            self.stdout.write("Aucune donnée : rien à vérifier. / No records: nothing to verify.")
            return
        start, end = found
        report = verify(start, end, network_id=network)
        for difference in report.differences:
            self.stderr.write(f"Différence : {difference}")
        if report.differences:
            raise CommandError(
                f"{len(report.differences)} différence(s) entre les chiffres consolidés et les "
                f"données brutes du {start:%d/%m/%Y} au {end:%d/%m/%Y}. / "
                f"{len(report.differences)} difference(s) between roll-ups and raw records."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Aucune différence entre chiffres consolidés et données brutes du "
                f"{start:%d/%m/%Y} au {end:%d/%m/%Y} ({report.compared} comparaisons, "
                f"{time.monotonic() - started:.1f} s). / No difference between roll-ups and "
                f"raw records."
            )
        )
