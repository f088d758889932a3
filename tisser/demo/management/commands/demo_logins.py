"""Print the demo logins (demo databases only): e-mail, role, organisation, password."""

from django.core.management.base import BaseCommand

from tisser.accounts import demo
from tisser.accounts.enums import ROLES_REQUIRING_TWO_FACTOR, Role
from tisser.demo.safety import refusal_reason
from tisser.learners import demo as learners_demo
from tisser.learners.links import sign_in_url


def login_rows() -> list[tuple[str, str, str]]:
    return [(login.email, str(Role(login.role).label), login.organisation) for login in demo.LOGINS]


def switcher_notes() -> list[str]:
    return [
        f"{login.email} est aussi {str(Role(role).label).lower()} à « {organisation} » : "
        "changez d'organisation dans l'en-tête."
        for login in demo.LOGINS
        for organisation, role in login.other_memberships
    ]


class Command(BaseCommand):
    help = "Affiche les comptes de démonstration (seulement s'ils existent dans la base)."

    def handle(self, *args, **options):
        if refusal_reason() or not demo.demo_users_exist():
            return
        rows = login_rows()
        headers = ("Adresse e-mail", "Rôle", "Organisation")
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]

        def line(cells):
            cells = zip(cells, widths, strict=True)
            return "  ".join(cell.ljust(width) for cell, width in cells).rstrip()

        two_factor = ", ".join(
            str(role.label).lower() for role in Role if role in ROLES_REQUIRING_TWO_FACTOR
        )
        out = self.stdout
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Comptes de démonstration (jamais en production)"))
        out.write(line(headers))
        out.write(line(["-" * width for width in widths]))
        for row in rows:
            out.write(line(row))
        out.write("")
        for note in switcher_notes():
            out.write(note)
        out.write(f"Mot de passe commun à tous les comptes de démonstration : {demo.DEMO_PASSWORD}")
        out.write(
            f"Rôles qui doivent activer la double authentification à la première connexion "
            f"(clé d'accès ou application d'authentification) : {two_factor}."
        )
        learner = learners_demo.demo_learner()
        if learner is not None:
            out.write("")
            out.write(self.style.MIGRATE_HEADING("Apprenant de démonstration (sans mot de passe)"))
            out.write(
                f"{learner.first_name} {learner.last_initial} (dossier n° {learner.file_number}, "
                f"{learner.site_name}) : code {learner.code}, à taper sur {sign_in_url()}"
            )
        out.write("")
