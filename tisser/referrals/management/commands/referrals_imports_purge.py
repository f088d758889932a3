"""Delete the parsed import lists left unconfirmed for more than a day (var/imports/).

Uploading a list also purges them, so this only matters when nobody imports for a while;
run it daily next to ``referrals_housekeeping``.
"""

from django.core.management.base import BaseCommand

from tisser.referrals.importing import purge_stale_files


class Command(BaseCommand):
    help = "Delete parsed import lists older than one day (personal data kept for the preview)."

    def handle(self, *args, **options):
        removed = purge_stale_files()
        self.stdout.write(f"{removed} fichier(s) d'import supprimé(s).")
