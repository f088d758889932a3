"""The public "Demander de l'aide" request: a referral the person writes themselves.

It goes through the referral services like any other (a draft, then submitted), with no
actor, no partner and no referrer: it lands straight in the chosen (or nearest) space's
inbox, which must answer within two working days (``reply_due_on``; the managers are
reminded once when it is late, the network admins see every late one — see
docs/decisions/0024-help-requests-and-transfers.md). The person is told by SMS or e-mail
that the request was received, within the caps on messages triggered by anonymous forms
(tisser/notifications/caps.py), in a fixed text that holds nothing the visitor typed.

Abuse guards (honeypot, rate limit per IP address) are the anonymous-form guard's
(tisser/core/anonymous.py); see docs/decisions/0010-anonymous-forms.md.
"""

from django.db import transaction

from tisser.accounts import geo
from tisser.accounts.models import Site
from tisser.beneficiaries.enums import ContactChannel
from tisser.core.anonymous import AnonymousFormGuard
from tisser.core.errors import DomainError
from tisser.core.phones import is_french_mobile
from tisser.notifications import caps
from tisser.notifications.services import notify
from tisser.referrals.enums import ReferralSource
from tisser.referrals.models import Referral
from tisser.referrals.services import referral_create_draft
from tisser.referrals.transitions import referral_submit

# Per hour: 5 requests from one address (IPv6 /64), 50 from one provider network (IPv6 /48),
# 300 for the whole network's form (far above what the 12 spaces receive in a day).
GUARD = AnonymousFormGuard(
    scope="help-request",
    limit=5,
    window_seconds=60 * 60,
    network_limit=50,
    overall_limit=300,
)


def preferred_channel(phone: str, email: str) -> str:
    """SMS only to a French mobile; another number is called back by the space."""
    if phone and is_french_mobile(phone):
        return ContactChannel.SMS
    if phone:
        return ContactChannel.CALL
    return ContactChannel.EMAIL


def nearest_site(postal_code: str) -> Site | None:
    found = geo.nearest_sites(postal_code, limit=1)
    return found[0] if found else None


def help_request_create(
    *,
    first_name: str,
    phone: str,
    email: str,
    postal_code: str,
    needs: list[str],
    site: Site | None = None,
) -> Referral:
    """Record the request in the chosen space's inbox, or the nearest one's."""
    site = site or nearest_site(postal_code)
    if site is None:
        raise DomainError(
            "Aucun espace n'est ouvert près de chez vous pour le moment. Appelez le réseau."
        )
    with transaction.atomic():
        referral = referral_create_draft(
            actor=None,
            site=site,
            source=ReferralSource.PUBLIC_REQUEST,
            data={
                "first_name": first_name,
                "phone": phone,
                "email": email,
                "preferred_channel": preferred_channel(phone, email),
                "postal_code": postal_code,
                "needs": needs,
                # The person read the information notice on the form and ticked the consent box.
                "notice_given": True,
            },
        )
        referral = referral_submit(actor=None, referral=referral)
        if _may_acknowledge(referral):
            notify(
                event_key=f"referral:{referral.pk}:help_request_received:person",
                template="help_request_received_person",
                recipient_kind="person",
                site=referral.site,
                subject=referral,
            )
    return referral


def _may_acknowledge(referral: Referral) -> bool:
    """A written acknowledgement only within the caps; "call" records that the space calls."""
    channel = referral.preferred_channel
    if channel == ContactChannel.CALL:
        return True
    address = referral.phone if channel == ContactChannel.SMS else referral.email
    if not address:
        return False
    outcome = caps.claim_acknowledgement(site=referral.site, channel=channel, address=address)
    return outcome.allowed
