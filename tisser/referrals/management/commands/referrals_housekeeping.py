"""Daily upkeep of the referral lifecycle, by hand: expiry and reminders.

The same work runs every day as the periodic job ``referrals.housekeeping``
(``manage.py run_due_jobs``); this command runs it now, outside the schedule. It is
idempotent (see tisser/referrals/housekeeping.py). ``--now`` (ISO date-time) replays a given
moment, for tests and operations.
"""

from django.core.management.base import BaseCommand

from tisser.core.management.now_option import add_now_argument, now_from_option
from tisser.referrals.housekeeping import run_housekeeping


class Command(BaseCommand):
    help = (
        "Fait expirer les bons d'orientation sans réponse ou sans venue depuis 30 jours et "
        "rappelle aux espaces, tous les 10 jours, ceux qui attendent une réponse."
    )

    def add_arguments(self, parser):
        add_now_argument(parser)

    def handle(self, *args, now=None, **options):
        moment = now_from_option(now)
        counts = run_housekeeping(moment)
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['expired']} bon(s) d'orientation expiré(s), "
                f"{counts['reminded']} rappel(s) envoyé(s) aux espaces."
            )
        )
