import datetime
import threading

import pytest
from django.db import connection, transaction

from tests.core.fake_clock import START
from tisser.accounts.enums import Role
from tisser.core.models import JournalEntry
from tisser.notifications import caps
from tisser.notifications.caps import Outcome
from tisser.notifications.models import AnonymousAcknowledgement, AnonymousSmsDay, Channel

NEXT_DAY = START + datetime.timedelta(days=1)


def claim(site, address="+33612345678", *, channel=Channel.SMS, now=START):
    return caps.claim_acknowledgement(site=site, channel=channel, address=address, now=now)


def mobile(n: int) -> str:
    return f"+336123456{n:02d}"


@pytest.mark.parametrize("number", ["+33612345678", "+33756123456", "+33780123456"])
def test_french_mobiles_get_an_acknowledgement(site, number):
    assert claim(site, number) is Outcome.ALLOWED


@pytest.mark.parametrize(
    "number",
    [
        "+447911123456",  # British mobile
        "+32470123456",  # Belgian mobile
        "+590690123456",  # Guadeloupe: not a +33 6/7 number
        "+33388123456",  # French landline
        "+33912345678",  # French VoIP
        "+33712345678",  # 07 range not allocated
    ],
)
def test_other_numbers_get_no_sms(site, number):
    assert claim(site, number) is Outcome.NOT_FRENCH_MOBILE
    assert not AnonymousAcknowledgement.objects.exists()
    assert not AnonymousSmsDay.objects.exists()


def test_one_acknowledgement_per_number_per_day(site, other_site):
    assert claim(site) is Outcome.ALLOWED
    assert claim(site, now=START + datetime.timedelta(hours=5)) is Outcome.ALREADY_TODAY
    assert claim(other_site) is Outcome.ALREADY_TODAY  # the number, not the site, is the key
    assert claim(site, mobile(1)) is Outcome.ALLOWED
    assert claim(site, now=NEXT_DAY) is Outcome.ALLOWED
    assert AnonymousSmsDay.objects.get(site=site, day=START.date()).sent == 2


def test_the_number_is_kept_only_as_a_keyed_hash_that_changes_every_day(site):
    claim(site, "+33612345678")
    claim(site, "+33612345678", now=NEXT_DAY)
    hashes = list(AnonymousAcknowledgement.objects.values_list("address_hash", flat=True))
    assert len(set(hashes)) == 2
    for value in hashes:
        assert "612345678" not in value
    dump = str(list(AnonymousAcknowledgement.objects.values()))
    assert "612345678" not in dump


def test_hashes_of_past_days_are_forgotten(site):
    claim(site, mobile(1), now=START - datetime.timedelta(days=3))
    claim(site, mobile(2), now=START)
    caps.forget_past_acknowledgements(now=START)
    assert list(AnonymousAcknowledgement.objects.values_list("day", flat=True)) == [START.date()]


def test_the_daily_job_forgets_the_hashes():
    from tisser.core import scheduler

    forget = {j.name: j for j in scheduler.registered_jobs()}[
        "notifications.forget_acknowledgements"
    ]
    assert forget.schedule == scheduler.DailyAt(0, 15)


def test_emails_get_one_acknowledgement_a_day_and_do_not_use_the_sms_allowance(site, settings):
    settings.ANONYMOUS_SMS_DAILY_CAP_PER_SITE = 1
    assert claim(site, "awa@exemple.fr", channel=Channel.EMAIL) is Outcome.ALLOWED
    assert claim(site, "Awa@Exemple.fr", channel=Channel.EMAIL) is Outcome.ALREADY_TODAY
    assert claim(site, mobile(1)) is Outcome.ALLOWED
    assert claim(site, mobile(2)) is Outcome.SITE_CAP_REACHED


def test_the_daily_cap_per_site_then_the_journal_once_and_the_next_day_afresh(
    site, other_site, settings
):
    settings.ANONYMOUS_SMS_DAILY_CAP_PER_SITE = 3
    assert [claim(site, mobile(n)) for n in range(3)] == [Outcome.ALLOWED] * 3
    assert claim(site, mobile(3)) is Outcome.SITE_CAP_REACHED
    assert claim(site, mobile(4)) is Outcome.SITE_CAP_REACHED
    assert claim(other_site, mobile(5)) is Outcome.ALLOWED

    day = AnonymousSmsDay.objects.get(site=site, day=START.date())
    assert (day.sent, day.refused, day.cap_reached_at) == (3, 2, START)
    entries = JournalEntry.objects.filter(action=caps.CAP_REACHED_ACTION)
    assert [(e.site_id, e.payload) for e in entries] == [
        (site.pk, {"cap": 3, "day": START.date().isoformat()})
    ]
    # A number refused for the cap was not marked as acknowledged.
    assert AnonymousAcknowledgement.objects.count() == 4

    assert claim(site, mobile(3), now=NEXT_DAY) is Outcome.ALLOWED


def test_a_cap_of_zero_sends_no_sms(site, settings):
    settings.ANONYMOUS_SMS_DAILY_CAP_PER_SITE = 0
    assert claim(site) is Outcome.SITE_CAP_REACHED
    assert AnonymousSmsDay.objects.get(site=site).refused == 1


def test_a_claim_rolls_back_with_the_request_that_made_it(site):
    with pytest.raises(RuntimeError), transaction.atomic():
        assert claim(site) is Outcome.ALLOWED
        raise RuntimeError("the request was not recorded")
    assert claim(site) is Outcome.ALLOWED


@pytest.mark.parametrize(("channel", "address"), [("call", "+33612345678"), ("sms", "")])
def test_a_claim_needs_a_written_channel_and_an_address(site, channel, address):
    with pytest.raises(ValueError):
        claim(site, address, channel=channel)


def test_staff_see_the_caps_reached_today_in_their_scope(
    site, other_site, network_admin, member_factory, settings, monkeypatch
):
    settings.ANONYMOUS_SMS_DAILY_CAP_PER_SITE = 1
    claim(site, mobile(1))
    claim(site, mobile(2))
    claim(other_site, mobile(3))  # within its cap
    manager = member_factory(site, Role.SITE_MANAGER)
    stranger = member_factory(other_site, Role.SITE_MANAGER)

    reached = caps.caps_reached_today(membership=network_admin, now=START)
    assert [(d.site_id, d.site_name, d.refused) for d in reached] == [(site.pk, site.name, 1)]
    assert [d.site_id for d in caps.caps_reached_today(membership=manager, now=START)] == [site.pk]
    assert caps.caps_reached_today(membership=stranger, now=START) == []
    assert caps.caps_reached_today(membership=None, now=START) == []
    assert caps.caps_reached_today(membership=manager, now=NEXT_DAY) == []


# --- PostgreSQL: concurrent requests ---------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions (PostgreSQL pass)"
)


def run_together(target, arguments):
    barrier = threading.Barrier(len(arguments))
    results = []
    lock = threading.Lock()

    def run(argument):
        try:
            barrier.wait(timeout=5)
            with transaction.atomic():
                outcome = target(argument)
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_acknowledgements_never_exceed_the_site_cap(site, settings):
    settings.ANONYMOUS_SMS_DAILY_CAP_PER_SITE = 3
    results = run_together(lambda n: claim(site, mobile(n)), list(range(10)))

    assert len(results) == 10
    assert results.count(Outcome.ALLOWED) == 3
    assert results.count(Outcome.SITE_CAP_REACHED) == 7
    day = AnonymousSmsDay.objects.get(site=site)
    assert (day.sent, day.refused) == (3, 7)
    assert JournalEntry.objects.filter(action=caps.CAP_REACHED_ACTION).count() == 1


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_requests_from_one_number_get_one_acknowledgement(site):
    results = run_together(lambda _: claim(site, mobile(1)), list(range(6)))

    assert results.count(Outcome.ALLOWED) == 1
    assert results.count(Outcome.ALREADY_TODAY) == 5
    assert AnonymousSmsDay.objects.get(site=site).sent == 1
