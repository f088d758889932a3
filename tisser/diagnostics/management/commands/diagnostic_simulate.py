"""Run the adaptive rules' simulator on the real forms and print its figures (issue 13).

``manage.py diagnostic_simulate --learners 2000 --seed 13 [--kind entry|exit]``: for each
form, synthetic learners sit the diagnostic twice over — as a jobseeker (all six domains)
and as a person who is not one (the five others) — and the table gives, per domain, how
often the level found is the true one, within one level, and the items asked.
No database.
"""

from django.core.management.base import BaseCommand, CommandError

from tisser.diagnostics import framework, simulator
from tisser.diagnostics.enums import DiagnosticKind


class Command(BaseCommand):
    help = (
        "Simule des personnes qui passent le diagnostic adaptatif et affiche la part des "
        "niveaux trouvés (exacts, à un niveau près) et le nombre de questions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=2000, help="Personnes simulées.")
        parser.add_argument("--seed", type=int, default=13, help="Graine du tirage.")
        parser.add_argument(
            "--kind",
            choices=list(DiagnosticKind.values),
            help="Forme entry ou exit (les deux par défaut).",
        )

    def handle(self, *args, learners=2000, seed=13, kind=None, **options):
        if not 1 <= learners <= 1_000_000:
            raise CommandError("--learners doit être entre 1 et 1 000 000.")
        kinds = [kind] if kind else list(DiagnosticKind.values)
        all_domains = [domain.code for domain in framework.domains()]
        not_jobseeker = [
            domain.code for domain in framework.domains() if not domain.jobseekers_only
        ]
        missed = False
        for form in kinds:
            bank = framework.form_bank(form)
            for who, domains in (
                ("demandeur d'emploi", all_domains),
                ("autre personne", not_jobseeker),
            ):
                report = simulator.simulate(bank, domains, learners=learners, seed=seed)
                title = f"Forme {form}, {who} ({len(domains)} domaines)"
                for line in simulator.report_lines(report, title=title):
                    self.stdout.write(line)
                met = simulator.meets_target(report)
                missed |= not met
                self.stdout.write(
                    f"Cible (exact ≥ {simulator.TARGET_EXACT * 100:.0f} %, à 1 près ≥ "
                    f"{simulator.TARGET_WITHIN_ONE * 100:.0f} %, au plus "
                    f"{simulator.adaptive.MAX_ITEMS} questions) : "
                    + ("atteinte" if met else "MANQUÉE")
                )
                self.stdout.write("")
        if missed:
            raise CommandError("La cible du simulateur n'est pas atteinte.")
