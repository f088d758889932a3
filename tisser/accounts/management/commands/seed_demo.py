"""Load the demo network (12 spaces in 9 cities, partners, funders, one login per role)."""

from django.core.management.base import BaseCommand, CommandError

from tisser.accounts import demo
from tisser.accounts.models import Organisation


class Command(BaseCommand):
    help = (
        "Installe le réseau de démonstration (jamais en production). "
        "Avec --if-empty, ne fait rien si une organisation existe déjà."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne rien faire si la base contient déjà une organisation.",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        reason = demo.refusal_reason()
        if reason:
            raise CommandError(reason)
        if Organisation.objects.exists():
            if if_empty:
                self.stdout.write(
                    "La base contient déjà des organisations : données de démonstration "
                    "non installées."
                )
                return
            raise CommandError(
                "La base contient déjà des organisations. Les données de démonstration "
                "s'installent seulement dans une base vide (utilisez --if-empty pour "
                "ignorer ce cas sans erreur)."
            )
        result = demo.seed_demo_network()
        self.stdout.write(
            self.style.SUCCESS(
                f"Réseau de démonstration installé : {result.sites} espaces, "
                f"{result.partners} partenaires, {result.funders} financeurs, "
                f"{result.users} comptes."
            )
        )
