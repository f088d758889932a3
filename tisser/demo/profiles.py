"""How big a demo to write: ``full`` for ``make run``, ``ci`` for the test suite."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    # Short codes of the spaces to write (None: the 12 spaces of the press release).
    site_codes: frozenset[str] | None
    # How far back the history goes, in days.
    history_days: int
    # How many bons d'orientation (None: settings.DEMO_REFERRALS, else 600).
    referrals: int | None
    # Activity records: how many days back, and about how many per space and working day.
    activity_days: int = 365
    activities_per_day: int = 4
    # Donated stock: devices received per space (the hub receives twice as many) and codes.
    devices_per_site: int = 200
    vouchers_per_site: int = 2000
    # Counter sales: how many days back, and how many planned per space and month.
    sales_days: int = 365
    sales_per_site_month: int = 2
    # Training (issue 15): closed cohorts of the 32-hour programme in Strasbourg (0: no
    # programme at all), upcoming ones, and past / upcoming workshops per other space.
    training_past_cohorts: int = 31
    training_upcoming_cohorts: int = 2
    workshops_past: int = 2
    workshops_coming: int = 2


# A year of history: the people who came, their access rights and their counter sales.
FULL = Profile(name="full", site_codes=None, history_days=365, referrals=None)
# Two spaces (the demo logins' Strasbourg and the switcher's Paris Belleville), two months.
CI = Profile(
    name="ci",
    site_codes=frozenset({"STRGAR", "PARBEL"}),
    history_days=60,
    referrals=40,
    activity_days=30,
    activities_per_day=2,
    devices_per_site=16,
    vouchers_per_site=40,
    sales_days=28,
    sales_per_site_month=12,
    training_past_cohorts=1,
    training_upcoming_cohorts=0,
    workshops_past=1,
    workshops_coming=2,
)

# The network and its people only: the benchmarks generate their own files, referrals,
# activity records and stock at scale (benchmarks/generate*.py).
NETWORK_ONLY = Profile(
    name="network",
    site_codes=None,
    history_days=0,
    referrals=0,
    activity_days=0,
    devices_per_site=0,
    vouchers_per_site=0,
    sales_days=0,
    training_past_cohorts=0,
    training_upcoming_cohorts=0,
    workshops_past=0,
    workshops_coming=0,
)

PROFILES = {profile.name: profile for profile in (FULL, CI, NETWORK_ONLY)}
