"""Remove journal entries older than the retention period (12 months).

Dry run by default: it only says how many entries would go. ``--wet-run`` removes them.
Running it twice in a row removes nothing the second time.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from tisser.core import journal

PURGE_ACTION = "journal.purged"


class Command(BaseCommand):
    help = (
        "Supprime les entrées du journal plus anciennes que la durée de conservation "
        "(simulation sans --wet-run)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--wet-run",
            action="store_true",
            help="Supprime vraiment les entrées (sans cette option, rien n'est supprimé).",
        )

    def handle(self, *args, wet_run=False, **options):
        days = settings.JOURNAL_RETENTION_DAYS
        cutoff = journal.retention_cutoff()
        if not wet_run:
            count = journal.purge_expired_entries(wet_run=False)
            self.stdout.write(
                f"Simulation : {count} entrée(s) du journal antérieure(s) au "
                f"{cutoff:%Y-%m-%d} (plus de {days} jours) seraient supprimées. "
                "Relancez avec --wet-run pour les supprimer."
            )
            return
        with transaction.atomic():
            removed = journal.purge_expired_entries(wet_run=True)
            if removed:
                # The purge itself is an auditable act; its entry is recent, so it stays.
                journal.record(
                    actor=None,
                    action=PURGE_ACTION,
                    payload={"removed": removed, "retention_days": days},
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"{removed} entrée(s) du journal de plus de {days} jours supprimée(s)."
            )
        )
