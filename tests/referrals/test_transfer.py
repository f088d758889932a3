"""Transfer of a referral sent to the wrong space: state, history, messages, refusals."""

import pytest
from django.urls import reverse

from tests.accounts.factories import NetworkFactory, SiteFactory
from tests.referrals.actions import S, perform, prepare, queued, state_of
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.referrals import selectors
from tisser.referrals import transitions as t
from tisser.referrals.models import ReferralEvent

pytestmark = pytest.mark.django_db

NIR = "1 85 05 78 006 084 36"


def transfer(world, referral, actor="manager", **extra):
    extra.setdefault("to_site", world.other_site)
    return perform(t.TRANSFER, world, referral, actor=actor, **extra)


def test_a_transfer_moves_the_referral_and_tells_everyone(world):
    referral = prepare(world, S.SUBMITTED)
    transfer(world, referral, reason="Habite à deux rues de l'autre espace")
    referral.refresh_from_db()
    assert referral.site == world.other_site and referral.status == S.SUBMITTED
    event = ReferralEvent.objects.filter(referral=referral).order_by("-at", "-pk").first()
    assert (event.from_status, event.to_status) == (S.SUBMITTED, S.SUBMITTED)
    assert event.actor == world.manager.user
    assert world.site.name in event.note and world.other_site.name in event.note
    assert "Habite à deux rues" in event.note
    entry = JournalEntry.objects.get(action="referral.transferred")
    assert entry.payload["from_site"] == world.site.pk
    assert entry.payload["to_site"] == world.other_site.pk
    templates = {(template, kind) for template, kind, _key in queued(referral)}
    assert ("referral_transferred_referrer", "referrer") in templates
    assert ("referral_transferred_site", "site_team") in templates
    # The receiving site's inbox holds it; the first site's no longer does.
    assert referral in selectors.referral_inbox(membership=world.other_manager)
    assert referral not in selectors.referral_inbox(membership=world.manager)


@pytest.mark.parametrize("status", [S.ACCEPTED, S.CONSUMED, S.REJECTED, S.EXPIRED, S.CANCELLED])
def test_no_transfer_once_answered_consumed_or_closed(world, status):
    referral = prepare(world, status)
    before = state_of(referral)
    with pytest.raises(DomainError):
        transfer(world, referral)
    assert state_of(referral) == before


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("same_site", "déjà adressé"),
        ("other_network", "espace du réseau"),
        ("closed_site", "n'accueille plus"),
        ("no_reason", "quelques mots"),
        ("nir", "sécurité sociale"),
    ],
)
def test_bad_transfers_are_refused_and_change_nothing(world, case, message):
    referral = prepare(world, S.SUBMITTED)
    extra = {
        "same_site": {"to_site": world.site},
        "other_network": {"to_site": SiteFactory(network=NetworkFactory(name="Autre réseau"))},
        "closed_site": {"to_site": SiteFactory(network=world.site.network, is_active=False)},
        "no_reason": {"reason": "  "},
        "nir": {"reason": f"NIR {NIR}"},
    }[case]
    before = state_of(referral)
    with pytest.raises(DomainError, match=message):
        transfer(world, referral, **extra)
    assert state_of(referral) == before


def test_the_transfer_page(world, login):
    referral = prepare(world, S.SUBMITTED)
    client = login(world.manager)
    url = reverse("referrals:transfer", kwargs={"pk": referral.pk})
    assert url in client.get(referral.get_absolute_url()).content.decode()
    page = client.get(url).content.decode()
    assert world.other_site.name in page
    refused = client.post(url, {"site": world.other_site.pk, "reason": ""})
    assert refused.status_code == 400
    done = client.post(url, {"site": world.other_site.pk, "reason": "Plus près de chez elle"})
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.site == world.other_site


def test_mediators_do_not_see_the_transfer_button(world, login):
    referral = prepare(world, S.SUBMITTED)
    client = login(world.mediator)
    url = reverse("referrals:transfer", kwargs={"pk": referral.pk})
    assert url not in client.get(referral.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 403
