"""``manage.py check_content``: check every exercise item file against its type's schema.

Each problem names the file and the field (``content/exercises/zone.json:
content.zones[1].w: 0 is less than or equal to the minimum of 0``); any problem fails the
command, so CI refuses a broken item.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tisser.exercises.content import check_directory


class Command(BaseCommand):
    help = "Vérifie les fichiers d'exercices (content/exercises/) avec leurs schémas."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Un autre dossier d'exercices que celui du projet.")

    def handle(self, *args, **options):
        report = check_directory(Path(options["dir"]) if options["dir"] else None)
        for problem in report.problems:
            self.stderr.write(problem)
        if report.problems:
            raise CommandError(f"{len(report.problems)} problème(s) dans les fichiers d'exercices.")
        self.stdout.write(
            f"{len(report.items)} exercices dans {report.files} fichiers : tout est conforme."
        )
