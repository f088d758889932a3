"""A site with its team, a partner with its referrer, and referrals to notify about."""

import datetime
import itertools
from dataclasses import dataclass
from functools import partial

import pytest
from django.utils import timezone

from tests.accounts.factories import MembershipFactory, PartnerFactory
from tests.referrals.factories import AppointmentFactory, ReferralFactory
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Partner, Site
from tisser.beneficiaries.enums import CURRENT_NOTICE_VERSION, ContactChannel
from tisser.beneficiaries.models import Beneficiary
from tisser.core.names import search_key
from tisser.notifications import sms
from tisser.referrals.enums import ReferralStatus

APPOINTMENT_AT = timezone.make_aware(datetime.datetime(2031, 12, 4, 14, 30))  # a Thursday
_file_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def sms_outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    """``with sending(): notify(...)`` runs the send task as the transaction would commit."""
    return partial(django_capture_on_commit_callbacks, execute=True)


@dataclass
class Team:
    site: Site
    partner: Partner
    referrer: Membership
    manager: Membership
    mediator: Membership
    volunteer: Membership

    def referral(self, **kwargs):
        kwargs.setdefault("site", self.site)
        kwargs.setdefault("partner", self.partner)
        kwargs.setdefault("referrer", self.referrer.user)
        kwargs.setdefault("first_name", "Awa")
        kwargs.setdefault("last_name", "Diallo")
        kwargs.setdefault("phone", "+33612345601")
        kwargs.setdefault("email", "awa.diallo@exemple.fr")
        return ReferralFactory(**kwargs)

    def accepted_referral(self, **kwargs):
        referral = self.referral(
            status=ReferralStatus.ACCEPTED,
            submitted_at=timezone.now() - datetime.timedelta(days=3),
            **kwargs,
        )
        AppointmentFactory(
            referral=referral, starts_at=APPOINTMENT_AT, place="12 rue du Jeu-des-Enfants"
        )
        return referral

    def beneficiary(self, **kwargs):
        kwargs.setdefault("site", self.site)
        kwargs.setdefault("first_name", "Jean")
        kwargs.setdefault("last_name", "Martin")
        kwargs.setdefault("phone", "+33612345602")
        kwargs.setdefault("preferred_channel", ContactChannel.SMS)
        kwargs.setdefault("notice_given_on", datetime.date(2026, 11, 2))
        kwargs.setdefault("notice_version", CURRENT_NOTICE_VERSION)
        kwargs.setdefault("file_number", f"TST-{next(_file_numbers):06d}")
        kwargs["search_key"] = search_key(kwargs["first_name"], kwargs["last_name"])
        return Beneficiary.objects.create(**kwargs)


@pytest.fixture
def team(site, network):
    site.name = "Espace numérique de la Meinau"
    site.address = "12 rue du Jeu-des-Enfants"
    site.postal_code = "67100"
    site.city = "Strasbourg"
    site.phone = "+33388123456"
    site.save()
    partner = PartnerFactory(network=network, name="CCAS de Strasbourg")
    referrer = MembershipFactory(
        organisation=partner,
        role=Role.PARTNER_REFERRER,
        user__email="prescriptrice@ccas.exemple.fr",
        user__first_name="Claire",
        user__last_name="Weber",
    )
    return Team(
        site=site,
        partner=partner,
        referrer=referrer,
        manager=MembershipFactory(
            organisation=site, role=Role.SITE_MANAGER, user__email="responsable@meinau.fr"
        ),
        mediator=MembershipFactory(
            organisation=site, role=Role.MEDIATOR, user__email="mediateur@meinau.fr"
        ),
        volunteer=MembershipFactory(
            organisation=site, role=Role.VOLUNTEER, user__email="benevole@meinau.fr"
        ),
    )
