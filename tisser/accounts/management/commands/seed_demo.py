"""Load the demo network (12 spaces in 9 cities, partners, funders, one login per role)
and its referrals (every state, with files, appointments and message records)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tisser.accounts import demo
from tisser.accounts.models import Organisation
from tisser.referrals import demo as referrals_demo


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
        parser.add_argument(
            "--referrals",
            type=int,
            default=None,
            help="Nombre de bons d'orientation de démonstration (0 : aucun ; par défaut 600).",
        )

    def handle(self, *args, if_empty: bool = False, referrals: int | None = None, **options):
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
        # All or nothing; the demo's messages are recorded as sent, none is queued.
        with referrals_demo.messages_recorded_not_sent(), transaction.atomic():
            result = demo.seed_demo_network()
            count = referrals_demo.referral_count() if referrals is None else max(referrals, 0)
            referral_result = (
                referrals_demo.seed_demo_referrals(network=result.network, count=count)
                if count
                else None
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Réseau de démonstration installé : {result.sites} espaces, "
                f"{result.partners} partenaires, {result.funders} financeurs, "
                f"{result.users} comptes."
            )
        )
        if referral_result is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Orientations de démonstration : {referral_result.referrals} bons "
                    f"d'orientation, {referral_result.files} dossiers, "
                    f"{referral_result.appointments} rendez-vous, "
                    f"{referral_result.notifications} messages "
                    f"(en {referral_result.seconds:.1f} s)."
                )
            )
