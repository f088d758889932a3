"""Write the demo network: every domain's demo builder, in order, with one clock.

The demo app sits alone at the top of the dependency graph, so it may call every app:
each app keeps its own builder next to its code (``<app>/demo.py``) and this module
composes them. One ``ManualClock`` is handed to every builder that writes history; no
global is patched. Messages written while seeding are records of past sends: no send task
is queued (the task backend is the dummy one for the duration).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.test.utils import override_settings

from tisser.accounts import demo as accounts_demo
from tisser.activities import demo as activities_demo
from tisser.beneficiaries import demo as beneficiaries_demo
from tisser.core.clock import manual_clock
from tisser.demo.profiles import Profile
from tisser.diagnostics import demo as diagnostics_demo
from tisser.funding import demo as funding_demo
from tisser.learners import demo as learners_demo
from tisser.learning import demo as learning_demo
from tisser.offers import demo as offers_demo
from tisser.referrals import demo as referrals_demo
from tisser.reporting import demo as reporting_demo
from tisser.reporting import rollups as reporting_rollups
from tisser.sales import demo as sales_demo
from tisser.training import demo as training_demo
from tisser.website.help_request import help_request_create


@dataclass
class DemoResult:
    profile: str
    network: accounts_demo.SeedResult
    referrals: referrals_demo.DemoReferralsResult | None
    seconds: float
    files: beneficiaries_demo.DemoFilesResult | None = None
    activities: activities_demo.DemoActivitiesResult | None = None
    rights: sales_demo.DemoRightsResult | None = None
    stock: offers_demo.DemoStockResult | None = None
    cards: learners_demo.DemoCardsResult | None = None
    funding: funding_demo.DemoFundingResult | None = None
    sales: sales_demo.DemoSalesResult | None = None
    diagnostics: diagnostics_demo.DemoDiagnosticsResult | None = None
    learning: learning_demo.DemoLearningResult | None = None
    training: training_demo.DemoTrainingResult | None = None
    # --- figures from before Tisser (issue 16, helper PUBLIC) ---
    historic: reporting_demo.DemoHistoricResult | None = None


def _mark_pending_messages_sent() -> None:
    from django.db.models import F

    from tisser.notifications.models import DeliveryStatus, Notification

    Notification.objects.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENT, sent_at=F("created_at"), attempts=1
    )


@contextmanager
def messages_recorded_not_sent() -> Iterator[None]:
    """Queue no send task while seeding: the demo's messages are records of past sends."""
    backend = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=backend):
        yield


def seed(profile: Profile, *, referrals: int | None = None) -> DemoResult:
    """Write the whole demo of ``profile`` in one transaction (all or nothing)."""
    started = time.monotonic()
    count = referrals if referrals is not None else profile.referrals
    if count is None:
        count = referrals_demo.referral_count()
    with messages_recorded_not_sent(), transaction.atomic(), manual_clock() as clock:
        network = accounts_demo.seed_demo_network(site_codes=profile.site_codes)
        # Donors, conventions, dotations, lots and a tax receipt (issue 10), on the network.
        funding = funding_demo.seed_demo_funding(network=network.network, clock=clock)
        referral_result = (
            referrals_demo.seed_demo_referrals(
                network=network.network,
                clock=clock,
                public_request=help_request_create,
                count=count,
                history_days=profile.history_days,
            )
            if count > 0
            else None
        )
        # Periods and notes come after the referrals: the people who came are known then.
        files_result = (
            beneficiaries_demo.seed_demo_files(network=network.network, clock=clock)
            if count > 0
            else None
        )
        # Access rights and quota rules once the people who came are known.
        rights = sales_demo.seed_demo_rights(network=network.network, clock=clock)
        activities = activities_demo.seed_demo_activities(
            network=network.network,
            clock=clock,
            days=profile.activity_days,
            per_day=profile.activities_per_day,
        )
        stock = (
            offers_demo.seed_demo_stock(
                network=network.network,
                clock=clock,
                devices_per_site=profile.devices_per_site,
                vouchers_per_site=profile.vouchers_per_site,
            )
            if profile.devices_per_site or profile.vouchers_per_site
            else None
        )
        # Counter sales once the stock and the rights exist (quotas and stock respected).
        sales = (
            sales_demo.seed_demo_sales(
                network=network.network,
                clock=clock,
                days=profile.sales_days,
                per_site_month=profile.sales_per_site_month,
                journey_file=rights.journey_file,
            )
            if profile.sales_days and stock is not None
            else None
        )
        # A learner card for every demo file (after the files: the walk-ins' too).
        cards = learners_demo.seed_demo_cards(network=network.network, clock=clock)
        # Skills diagnostics once the periods are known: entries, and exits of closed periods.
        diagnostics = diagnostics_demo.seed_demo_diagnostics(
            network=network.network, clock=clock, journey_file=rights.journey_file
        )
        # Self-paced modules after the diagnostics: the journey's are the ones it recommends.
        learning = learning_demo.seed_demo_learning(
            network=network.network, clock=clock, journey_file=rights.journey_file
        )
        # The 32-hour programme and the workshops last: the journey's person joins a cohort
        # with their diagnostic and modules already there.
        training = (
            training_demo.seed_demo_training(
                network=network.network,
                clock=clock,
                journey_file=rights.journey_file,
                past_cohorts=profile.training_past_cohorts,
                upcoming_cohorts=profile.training_upcoming_cohorts,
                workshops_past=profile.workshops_past,
                workshops_coming=profile.workshops_coming,
            )
            if profile.training_past_cohorts
            else None
        )
        if training is not None and training.files:
            # The programme's new files get their learner card too.
            cards.cards += learners_demo.seed_demo_cards(network=network.network, clock=clock).cards
        # --- figures from before Tisser (issue 16, helper PUBLIC): the press release's
        # totals of the six years before the first activity.
        historic = reporting_demo.seed_demo_historic(network=network.network, clock=clock)
        # --- end figures from before Tisser ---
        # The figures' roll-ups, once every record is written (issue 16, decision 0055).
        reporting_rollups.rebuild_all(network_id=network.network.pk)
        # Messages recorded after the referrals' (the satisfaction survey of each closed
        # period, the training's seats, issue 15) count as sent when their event happened.
        _mark_pending_messages_sent()
    return DemoResult(
        profile=profile.name,
        network=network,
        referrals=referral_result,
        files=files_result,
        seconds=time.monotonic() - started,
        activities=activities,
        rights=rights,
        cards=cards,
        stock=stock,
        funding=funding,
        sales=sales,
        diagnostics=diagnostics,
        learning=learning,
        training=training,
        historic=historic,
    )
