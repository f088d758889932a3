"""Referral reads: who sees what, the filters, the badge, and constant query counts."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.referrals.actions import S, perform, prepare
from tisser.core.views_helpers import PAGE_SIZE
from tisser.referrals import selectors
from tisser.referrals import transitions as t
from tisser.referrals.enums import AppointmentStatus
from tisser.referrals.models import Referral
from tisser.referrals.templatetags.referral_tags import inbox_rows

DAY = datetime.timedelta(days=1)


@pytest.fixture
def spread(world):
    """One referral per status at the world's site, plus referrals of elsewhere."""
    mine = {status: prepare(world, status) for status in S.values}
    other_partner = prepare(
        world, S.SUBMITTED, partner=world.other_partner, referrer=world.other_referrer.user
    )
    other_site = prepare(world, S.SUBMITTED, site=world.other_site)
    public = prepare(world, S.MODERATION_PENDING, public=True)
    return mine, other_partner, other_site, public


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_a_referrer_sees_only_their_organisation_drafts_included(world, spread):
    mine, other_partner, other_site, _public = spread
    expected = {r.pk for r in mine.values()} | {other_site.pk}
    assert pks(selectors.referrals_readable(world.referrer)) == expected
    assert pks(selectors.referral_partner_list(membership=world.referrer)) == expected
    assert pks(selectors.referrals_readable(world.other_referrer)) == {other_partner.pk}


def test_site_staff_see_only_what_was_sent_to_their_site(world, spread):
    mine, other_partner, _other_site, _public = spread
    sent = {r.pk for status, r in mine.items() if r.submitted_at is not None}
    assert {Referral.objects.get(pk=pk).status for pk in sent} == {
        S.SUBMITTED,
        S.ACCEPTED,
        S.REJECTED,
        S.EXPIRED,
        S.CONSUMED,
    }
    for who in (world.manager, world.mediator):
        assert pks(selectors.referrals_readable(who)) == sent | {other_partner.pk}
        assert pks(selectors.referral_inbox(membership=who)) == sent | {other_partner.pk}


@pytest.mark.parametrize("who", ["volunteer", "funder_viewer", "foreign_admin"])
def test_volunteers_funders_and_other_networks_see_none(world, spread, who):
    membership = getattr(world, who)
    assert not selectors.referrals_readable(membership).exists()
    assert not selectors.referral_inbox(membership=membership).exists()
    assert not selectors.referral_partner_list(membership=membership).exists()
    assert selectors.inbox_counts(membership=membership) == {"new": 0, "moderation": 0}
    with pytest.raises(Referral.DoesNotExist):
        selectors.referral_detail(membership=membership, pk=spread[0][S.SUBMITTED].pk)


def test_the_network_admin_sees_the_whole_network(world, spread):
    assert pks(selectors.referrals_readable(world.admin)) == set(
        Referral.objects.values_list("pk", flat=True)
    )
    queue = selectors.referral_moderation_queue(membership=world.admin)
    mine, _op, _os, public = spread
    assert pks(queue) == {mine[S.MODERATION_PENDING].pk, public.pk}
    assert not selectors.referral_moderation_queue(membership=world.manager).exists()
    # The inbox of one site, for the admin.
    inbox = selectors.referral_inbox(membership=world.admin, site=world.other_site.pk)
    assert pks(inbox) == {spread[2].pk}


def test_partner_referrers_have_no_inbox(world, spread):
    assert not selectors.referral_inbox(membership=world.referrer).exists()
    assert not selectors.referral_partner_list(membership=world.manager).exists()


def test_inbox_filters(world):
    now = timezone.now()
    old = prepare(world, S.SUBMITTED, submitted_at=now - 12 * DAY)
    recent = prepare(world, S.SUBMITTED, submitted_at=now - 2 * DAY)
    accepted = prepare(world, S.ACCEPTED, submitted_at=now - 5 * DAY)
    theirs = prepare(
        world,
        S.SUBMITTED,
        partner=world.other_partner,
        referrer=world.other_referrer.user,
        submitted_at=now - 20 * DAY,
    )

    def inbox(**filters):
        return list(selectors.referral_inbox(membership=world.manager, now=now, **filters))

    assert inbox() == [recent, accepted, old, theirs]  # newest first
    assert inbox(status=S.SUBMITTED) == [recent, old, theirs]
    assert inbox(partner=world.partner.pk) == [recent, accepted, old]
    assert inbox(min_age_days=10) == [old, theirs]
    assert inbox(status=S.SUBMITTED, partner=world.partner.pk, min_age_days=10) == [old]


def test_partner_list_filters(world):
    here = prepare(world, S.SUBMITTED)
    there = prepare(world, S.DRAFT, site=world.other_site)
    assert list(selectors.referral_partner_list(membership=world.referrer, status=S.DRAFT)) == [
        there
    ]
    assert list(selectors.referral_partner_list(membership=world.referrer, site=world.site.pk)) == [
        here
    ]


def test_badge_counts_new_referrals_of_the_site(world, spread):
    prepare(world, S.SUBMITTED)
    counts = selectors.inbox_counts(membership=world.manager)
    assert counts == {"new": 3, "moderation": 0}  # two of world.partner, one of other_partner
    assert selectors.inbox_counts(membership=world.other_manager) == {"new": 1, "moderation": 0}
    assert selectors.inbox_counts(membership=world.admin) == {"new": 4, "moderation": 2}
    assert selectors.inbox_counts(membership=world.referrer) == {"new": 0, "moderation": 0}
    assert selectors.inbox_counts(membership=None) == {"new": 0, "moderation": 0}


def test_the_badge_is_one_query(world, django_assert_num_queries):
    prepare(world, S.SUBMITTED)
    with django_assert_num_queries(1):
        selectors.inbox_counts(membership=world.manager)


def test_an_answer_takes_the_referral_off_the_badge(world):
    referral = prepare(world, S.SUBMITTED)
    assert selectors.inbox_counts(membership=world.mediator)["new"] == 1
    perform(t.ACCEPT, world, referral)
    assert selectors.inbox_counts(membership=world.mediator)["new"] == 0


# --- Constant queries ---------------------------------------------------------------------------


def render_rows(queryset, kind="partner"):
    """What the inbox (its rows as drawn) or the partner list (the appointments that say
    whether the person came) reads of each row."""
    page = Paginator(queryset, PAGE_SIZE).get_page(1)
    if kind == "inbox":  # the inbox's rows, as its page draws them
        drawn = inbox_rows(page, show_site=True)
        return drawn.split("<tr>")[1:]  # one piece per row
    return [
        (
            r.reference,
            r.site.name,
            r.partner.name if r.partner else "",
            [(a.starts_at, a.status) for a in r.attendance_appointments],
        )
        for r in page
    ]


def count_queries(callable_):
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context.captured_queries)


@pytest.mark.parametrize("kind", ["inbox", "partner"])
def test_lists_run_the_same_queries_for_1_and_60_rows(world, kind):
    def listing():
        if kind == "inbox":
            queryset = selectors.referral_inbox(membership=world.manager)
        else:
            queryset = selectors.referral_partner_list(membership=world.referrer)
        return render_rows(queryset, kind)

    prepare(world, S.ACCEPTED).appointments.update(mediator=world.mediator.user)
    one = count_queries(listing)
    assert len(listing()) == 1
    for index in range(59):
        referral = prepare(world, S.ACCEPTED if index % 2 else S.SUBMITTED)
        if index % 3 == 0:
            referral.appointments.update(mediator=world.mediator.user)
    many = count_queries(listing)
    assert len(listing()) == PAGE_SIZE  # paginated: a full first page
    assert many == one
    assert one <= 3  # count, rows, the rows' appointments (with mediators for the inbox)


def test_detail_runs_the_same_queries_whatever_the_history(world):
    quiet = prepare(world, S.SUBMITTED)
    busy = prepare(world, S.SUBMITTED)
    perform(t.ACCEPT, world, busy, mediator=world.mediator.user)
    for _round in range(4):
        perform(t.MARK_NO_SHOW, world, busy)
        perform(t.REBOOK, world, busy, mediator=world.manager.user)
    perform(t.MARK_CAME, world, busy)

    def show(pk):
        referral = selectors.referral_detail(membership=world.manager, pk=pk)
        return (
            referral.site.name,
            referral.partner.name,
            referral.referrer.email,
            referral.beneficiary.file_number if referral.beneficiary else "",
            [
                (e.from_status, e.to_status, e.actor and e.actor.email)
                for e in referral.events.all()
            ],
            [(a.status, a.mediator and a.mediator.email) for a in referral.appointments.all()],
            [n.template for n in referral.sent_messages],
        )

    quiet_count = count_queries(lambda: show(quiet.pk))
    busy_count = count_queries(lambda: show(busy.pk))
    assert busy_count == quiet_count
    details = show(busy.pk)
    assert (
        len(details[4]) == 1 + 1 + 8 + 1
    )  # factory history, accepted, 4 × (no show, rebook), came
    assert [status for status, _m in details[5]].count(AppointmentStatus.NO_SHOW) == 4
    assert details[3]  # the file


def test_detail_of_a_draft_is_hidden_from_the_site(world):
    draft = prepare(world, S.DRAFT)
    with pytest.raises(Referral.DoesNotExist):
        selectors.referral_detail(membership=world.manager, pk=draft.pk)
    assert selectors.referral_detail(membership=world.referrer, pk=draft.pk) == draft
