"""Delete the parsed import lists left unconfirmed for more than a day (var/imports/).

Uploading a list also purges them, and the hourly job ``referrals.imports_purge`` does;
this command runs the same sweep by hand.
"""

from django.core.management.base import BaseCommand

from tisser.referrals.imports.store import purge_stale_files


class Command(BaseCommand):
    help = "Delete parsed import lists older than one day (personal data kept for the preview)."

    def handle(self, *args, **options):
        removed = purge_stale_files()
        self.stdout.write(f"{removed} fichier(s) d'import supprimé(s).")
