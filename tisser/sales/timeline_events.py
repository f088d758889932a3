"""The person's access rights on their file: openings, renewals, suspension, end; their
sales (paid, cancelled, expired, waiting for payment), returns and box subscriptions, each
linked to the sale; and the way to their right and what remains of their quotas
(decisions 0046, 0049). Six queries whatever the number of events."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.core import clock
from tisser.core.dates import format_day
from tisser.core.money import format_euros
from tisser.core.timeline import FileAction, TimelineEvent
from tisser.sales.enums import (
    RenewalDecision,
    ReturnOutcome,
    RightOpening,
    RightStatus,
    SaleStatus,
    SubscriptionStatus,
)
from tisser.sales.models import (
    AccessRight,
    AccessRightRenewal,
    BoxSubscription,
    Sale,
    SaleLine,
    SaleReturn,
)
from tisser.sales.services import READ_ROLES


def _aware_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def timeline_events(beneficiary):
    today = clock.localdate()
    rights = list(AccessRight.objects.filter(beneficiary=beneficiary).select_related("site"))
    for right in rights:
        origin = (
            _("après un bon d'orientation")
            if right.opened_by == RightOpening.REFERRAL
            else _("sur décision : %(reason)s") % {"reason": right.decision_reason}
        )
        yield TimelineEvent(
            at=right.created_at,
            kind="access_right.opened",
            title=_("Droit d'accès solidaire ouvert"),
            detail=_("Du %(start)s au %(end)s, %(origin)s — %(site)s")
            % {
                "start": format_day(right.starts_on),
                "end": format_day(right.ends_on),
                "origin": origin,
                "site": right.site.name,
            },
            url=right.get_absolute_url(),
        )
        status = right.status_on(today)
        if status == RightStatus.SUSPENDED:
            yield TimelineEvent(
                at=_aware_day(right.suspended_on),
                kind="access_right.suspended",
                title=_("Droit d'accès suspendu"),
                detail=right.suspension_reason,
            )
        elif status == RightStatus.CLOSED:
            yield TimelineEvent(
                at=_aware_day(right.closed_on),
                kind="access_right.closed",
                title=_("Droit d'accès clos"),
                detail=right.exit_reason(),
            )
        elif status == RightStatus.EXPIRED:
            yield TimelineEvent(
                at=_aware_day(right.ends_on),
                kind="access_right.expired",
                title=_("Droit d'accès arrivé à son terme"),
                detail=_("Le %(date)s") % {"date": format_day(right.ends_on)},
            )
    renewals = AccessRightRenewal.objects.filter(access_right__beneficiary=beneficiary).exclude(
        decision=RenewalDecision.PENDING
    )
    for renewal in renewals:
        accepted = renewal.decision == RenewalDecision.ACCEPTED
        yield TimelineEvent(
            at=renewal.decided_at,
            kind=f"access_right.renewal_{renewal.decision}",
            title=_("Droit d'accès renouvelé") if accepted else _("Renouvellement refusé"),
            detail=(
                _("Jusqu'au %(date)s") % {"date": format_day(renewal.new_ends_on)}
                if accepted
                else renewal.decision_note
            ),
        )
    yield from sale_events(beneficiary)


def _what(lines: list[SaleLine]) -> str:
    """« Ordinateur portable reconditionné, 2 × Recharge mobile 5 € »."""
    return ", ".join(
        line.label if line.quantity == 1 else f"{line.quantity} × {line.label}" for line in lines
    )


def _sale_event(sale: Sale) -> TimelineEvent:
    what = _what(list(sale.lines.all()))
    url = sale.get_absolute_url()
    if sale.status == SaleStatus.PAID:
        return TimelineEvent(
            at=sale.paid_at,
            kind="sale.paid",
            title=_("Achat solidaire, ticket %(number)s") % {"number": sale.receipt_number},
            detail=_("%(what)s — payé %(paid)s pour une valeur de %(market)s — %(site)s")
            % {
                "what": what,
                "paid": format_euros(sale.total_price),
                "market": format_euros(sale.total_market),
                "site": sale.site.name,
            },
            url=url,
        )
    if sale.status in (SaleStatus.CANCELLED, SaleStatus.EXPIRED):
        cancelled = sale.status == SaleStatus.CANCELLED
        reason = sale.cancel_reason if cancelled else _("non payée à temps, stock libéré")
        return TimelineEvent(
            at=sale.ended_at or sale.created_at,
            kind=f"sale.{sale.status}",
            title=_("Vente annulée") if cancelled else _("Vente expirée"),
            detail=" — ".join(part for part in (what, reason, sale.site.name) if part),
            url=url,
        )
    return TimelineEvent(
        at=sale.confirmed_at or sale.created_at,
        kind=f"sale.{sale.status}",
        title=_("Vente en cours : %(status)s") % {"status": sale.get_status_display()},
        detail=" — ".join(part for part in (what, sale.site.name) if part),
        url=url,
    )


def _return_event(sale_return: SaleReturn) -> TimelineEvent:
    line = sale_return.line
    what = (
        _what([line])
        if sale_return.quantity == line.quantity
        else (f"{sale_return.quantity} × {line.label}")
    )
    if sale_return.outcome == ReturnOutcome.REFUND:
        title = _("Retour remboursé")
        money = _("remboursé %(amount)s") % {"amount": format_euros(sale_return.refund_amount)}
    else:
        title = _("Retour pour un échange")
        money = _("avoir de %(amount)s") % {"amount": format_euros(sale_return.credit_amount)}
    return TimelineEvent(
        at=sale_return.at,
        kind=f"sale.return_{sale_return.outcome}",
        title=title,
        detail=" — ".join(
            part for part in (what, money, sale_return.reason, sale_return.site.name) if part
        ),
        url=line.sale.get_absolute_url(),
    )


def _subscription_events(subscription: BoxSubscription):
    url = subscription.opening_line.sale.get_absolute_url()
    box = subscription.opening_line.label
    yield TimelineEvent(
        at=_aware_day(subscription.starts_on),
        kind="subscription.opened",
        title=_("Abonnement ouvert : %(box)s") % {"box": box},
        detail=_("%(fee)s par mois, jusqu'au %(end)s — %(site)s")
        % {
            "fee": format_euros(subscription.monthly_fee),
            "end": format_day(subscription.ends_on),
            "site": subscription.site.name,
        },
        url=url,
    )
    if subscription.ended_on is not None and subscription.status != SubscriptionStatus.ACTIVE:
        yield TimelineEvent(
            at=_aware_day(subscription.ended_on),
            kind="subscription.ended",
            title=_("Abonnement terminé : %(box)s à rendre") % {"box": box},
            detail=_("Le %(date)s") % {"date": format_day(subscription.ended_on)},
            url=url,
        )
    if subscription.device_returned_on is not None:
        yield TimelineEvent(
            at=_aware_day(subscription.device_returned_on),
            kind="subscription.device_returned",
            title=_("Box rendue : %(box)s") % {"box": box},
            detail=subscription.return_note,
            url=url,
        )


def sale_events(beneficiary):
    """Every sale of the person (a cart still empty aside), every return, every box
    subscription (four queries)."""
    sales = (
        Sale.objects.filter(beneficiary=beneficiary, lines__isnull=False)
        .distinct()
        .select_related("site")
        .prefetch_related("lines")
        .order_by("pk")
    )
    for sale in sales:
        yield _sale_event(sale)
    returns = SaleReturn.objects.filter(line__sale__beneficiary=beneficiary).select_related(
        "site", "line__sale"
    )
    for sale_return in returns.order_by("pk"):
        yield _return_event(sale_return)
    subscriptions = BoxSubscription.objects.filter(beneficiary=beneficiary).select_related(
        "site", "opening_line__sale"
    )
    for subscription in subscriptions.order_by("pk"):
        yield from _subscription_events(subscription)


def file_actions(beneficiary, membership):
    if membership is None or membership.role not in READ_ROLES:
        return []
    if beneficiary.merged_into_id is not None:
        return []
    return [
        FileAction(
            label=_("Droit d'accès solidaire et quotas"),
            url=reverse("sales:person", kwargs={"beneficiary_id": beneficiary.pk}),
        )
    ]
