"""Load the demo network (spaces, partners, funders, one login per role) and the history
of every app (referrals in every state, files, appointments, message records)."""

from django.core.management.base import BaseCommand, CommandError

from tisser.accounts.models import Organisation
from tisser.demo import seeding
from tisser.demo.profiles import PROFILES
from tisser.demo.safety import refusal_reason


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
            "--profile",
            choices=sorted(PROFILES),
            default="full",
            help="full : les 12 espaces et un an d'historique ; ci : 2 espaces, 60 jours.",
        )
        parser.add_argument(
            "--referrals",
            type=int,
            default=None,
            help="Nombre de bons d'orientation de démonstration (0 : aucun).",
        )

    def handle(self, *args, if_empty=False, profile="full", referrals=None, **options):
        reason = refusal_reason()
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
        result = seeding.seed(
            PROFILES[profile], referrals=None if referrals is None else max(referrals, 0)
        )
        network = result.network
        self.stdout.write(
            self.style.SUCCESS(
                f"Réseau de démonstration installé : {network.sites} espaces, "
                f"{network.partners} partenaires, {network.funders} financeurs, "
                f"{network.users} comptes."
            )
        )
        if result.referrals is not None:
            found = result.referrals
            self.stdout.write(
                self.style.SUCCESS(
                    f"Orientations de démonstration : {found.referrals} bons "
                    f"d'orientation, {found.files} dossiers, "
                    f"{found.appointments} rendez-vous, "
                    f"{found.notifications} messages "
                    f"(en {found.seconds:.1f} s)."
                )
            )
        if result.activities is not None:
            found = result.activities
            self.stdout.write(
                self.style.SUCCESS(
                    f"Activités de démonstration : {found.history + found.from_appointments} "
                    f"accompagnements et ateliers, dont {found.from_appointments} après un "
                    f"rendez-vous (en {found.seconds:.1f} s)."
                )
            )
        if result.stock is not None:
            found = result.stock
            self.stdout.write(
                self.style.SUCCESS(
                    f"Stock solidaire de démonstration : {found.offers} offres, "
                    f"{found.devices} appareils, {found.vouchers} codes et cartes "
                    f"(en {found.seconds:.1f} s)."
                )
            )
        if result.sales is not None:
            found = result.sales
            self.stdout.write(
                self.style.SUCCESS(
                    f"Ventes solidaires de démonstration : {found.sales} ventes payées, "
                    f"{found.cancelled} annulées, {found.expired} expirées, "
                    f"{found.returns} retours dont {found.exchanges} échanges, "
                    f"{found.subscriptions} abonnements, {found.closings} clôtures de caisse "
                    f"(en {found.seconds:.1f} s)."
                )
            )
        if result.training is not None:
            found = result.training
            self.stdout.write(
                self.style.SUCCESS(
                    f"Formations de démonstration : {found.cohorts} groupes, "
                    f"{found.enrolled} inscrits, {found.attendances} présences, "
                    f"{found.activities} activités, {found.certificates} attestations, "
                    f"{found.satisfaction} questionnaires, {found.workshops} ateliers "
                    f"(en {found.seconds:.1f} s)."
                )
            )
        self.stdout.write(f"Démonstration « {result.profile} » chargée en {result.seconds:.1f} s.")
