"""``manage.py check_content``: check every exercise item file against its type's schema.

Then the content other apps build on the items and register with
``register_content_checker`` (the skills framework and its forms, ``content/skills/``).

Each problem names the file and the field (``content/exercises/zone.json:
content.zones[1].w: 0 is less than or equal to the minimum of 0``); any problem fails the
command, so CI refuses a broken item.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tisser.exercises.content import check_directory, content_checkers


class Command(BaseCommand):
    help = (
        "Vérifie les fichiers d'exercices (content/exercises/) avec leurs schémas, "
        "puis le contenu qui s'appuie sur eux (content/skills/)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Un autre dossier d'exercices que celui du projet.")

    def handle(self, *args, **options):
        report = check_directory(Path(options["dir"]) if options["dir"] else None)
        problems = list(report.problems)
        summaries = [f"{len(report.items)} exercices dans {report.files} fichiers"]
        for name, checker in content_checkers().items():
            extra = checker(report)
            problems.extend(extra.problems)
            summaries.append(f"{name} : {extra.files} fichiers")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problème(s) dans les fichiers de contenu.")
        self.stdout.write(f"{' ; '.join(summaries)} : tout est conforme.")
