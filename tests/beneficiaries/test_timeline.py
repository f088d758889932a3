"""The file's timeline: providers discovered in every installed app, events newest first."""

import datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from tests.beneficiaries.factories import BeneficiaryFactory, ConsentFactory
from tests.notifications.factories import NotificationFactory
from tests.referrals.factories import ReferralFactory
from tisser.core import timeline
from tisser.core.timeline import beneficiary_timeline, discover_providers

pytestmark = pytest.mark.django_db
PLUGIN_APP = "tests.beneficiaries.timeline_plugin"


def test_providers_of_installed_apps_are_discovered():
    modules = {provider.__module__ for provider in timeline.providers()}
    assert "tisser.beneficiaries.timeline_events" in modules
    assert "tisser.referrals.timeline_events" in modules
    assert not any(module.startswith("tests.") for module in modules)


def test_a_new_app_with_a_provider_is_picked_up_without_editing_the_registry(team):
    beneficiary = BeneficiaryFactory(site=team.site)
    assert "plugin.diagnostic" not in {e.kind for e in beneficiary_timeline(beneficiary)}

    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, PLUGIN_APP]):
        events = beneficiary_timeline(beneficiary)
        kinds = [event.kind for event in events]
        assert "plugin.diagnostic" in kinds and "plugin.old" in kinds
        # Newest first: the plugin's future event, the opening of the file, the old one.
        assert kinds.index("plugin.diagnostic") < kinds.index("beneficiary.created")
        assert kinds[-1] == "plugin.old"

    # Uninstalled again: the provider goes away.
    assert "plugin.diagnostic" not in {e.kind for e in beneficiary_timeline(beneficiary)}


def test_discovery_reads_any_list_of_app_configs():
    from django.apps import apps

    configs = [apps.get_app_config("beneficiaries")]
    [provider] = discover_providers(configs)
    assert provider.__module__ == "tisser.beneficiaries.timeline_events"


def test_events_of_the_file_are_sorted_newest_first(team):
    beneficiary = BeneficiaryFactory(site=team.site)
    now = timezone.now()
    ConsentFactory(
        beneficiary=beneficiary,
        kind="photos",
        given_at=now + datetime.timedelta(hours=1),
        withdrawn_at=now + datetime.timedelta(hours=2),
    )
    merged = BeneficiaryFactory(site=team.site, merged_into=beneficiary)
    events = beneficiary_timeline(beneficiary)
    times = [event.at for event in events]
    assert times == sorted(times, reverse=True)
    kinds = [event.kind for event in events]
    assert kinds[:2] == ["consent.withdrawn", "consent.given"]
    assert {"beneficiary.created", "beneficiary.merged"} <= set(kinds)
    assert any(merged.file_number in event.detail for event in events)


def test_messages_sent_about_the_file_appear(team):
    beneficiary = BeneficiaryFactory(site=team.site)
    referral = ReferralFactory(site=team.site, beneficiary=beneficiary)
    NotificationFactory(site=team.site, subject=referral, status="sent")
    kinds = [event.kind for event in beneficiary_timeline(beneficiary)]
    assert "notification.sent" in kinds


def test_the_file_page_offers_what_the_other_apps_start_from_a_file(login, db):
    """Activities and appointments add their buttons to the file through core.timeline."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from tests.accounts.factories import MembershipFactory, SiteFactory
    from tisser.accounts.enums import Role

    site = SiteFactory()
    file = BeneficiaryFactory(site=site)
    query = urlencode({"dossier": file.pk})
    page = login(MembershipFactory(organisation=site, role=Role.MEDIATOR)).get(
        reverse("beneficiaries:detail", kwargs={"pk": file.pk})
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{reverse("activities:create")}?{query}"' in html
    assert f'href="{reverse("appointments:book")}?{query}"' in html
    assert "Noter une activité" in html and "Prendre un rendez-vous" in html

    volunteer = login(MembershipFactory(organisation=site, role=Role.VOLUNTEER)).get(
        reverse("beneficiaries:detail", kwargs={"pk": file.pk})
    )
    assert volunteer.status_code == 200
    assert "Noter une activité" not in volunteer.content.decode()
