"""Box subscriptions: an internet box (or a 4G key) lent with a monthly fee (decision 0050).

The counter's ``sale_pay`` opens one (``subscription_open``) for every paid line whose offer
is lent. Due dates are computed, never stored: one each month on the start day's date
(``due_dates``). A month is paid when a paid sale holds a ``SUBSCRIPTION_FEE`` line for it
(``covers_month`` = that due date); ``fee_sale_create`` prepares such a sale, confirmed, for
the counter to take the payment. A subscription ends (``subscription_end``: the box is to
be returned) and is closed when the box comes back (``box_return``: through the stock's
``stock_return``, written off if it is broken).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.models import Membership
from tisser.core import clock, journal
from tisser.core.dates import format_day
from tisser.core.errors import DomainError
from tisser.offers import lifecycle
from tisser.offers.enums import LENT_FAMILIES
from tisser.offers.reservations import stock_return
from tisser.offers.stock_roles import acts_on_site
from tisser.sales import figures_marks
from tisser.sales.enums import (
    ReturnedDeviceFate,
    SaleLineKind,
    SaleStatus,
    SubscriptionStatus,
)
from tisser.sales.models import BoxSubscription, CounterSettings, Sale, SaleLine
from tisser.sales.quotas import SELL_ROLES
from tisser.sales.services import _clean_text, _full_clean, add_months

# A box is lent for a year unless the team ends the subscription earlier (decision 0050).
DEFAULT_SUBSCRIPTION_MONTHS = 12
# Months paid at once at the counter: at most a year.
MAX_MONTHS_PER_SALE = 12
# A box return or an end may be recorded a little late, never in the future.
BACKDATE_DAYS = 31
# A month unpaid a week after its due date is overdue (the person may come a few days late).
OVERDUE_GRACE_DAYS = 7


def _require_on_site(actor: Membership | None, site, roles=SELL_ROLES) -> Membership:
    if actor is None or not actor.is_active or actor.role not in roles:
        raise DomainError(_("Votre rôle ne permet pas cette action."))
    if not acts_on_site(actor, site.pk, site.network_id):
        raise DomainError(_("Cet abonnement n'est pas suivi par votre espace."))
    return actor


def planned_end(starts_on: datetime.date, months: int = DEFAULT_SUBSCRIPTION_MONTHS):
    """The last day of a subscription of ``months`` months from ``starts_on`` (inclusive)."""
    return add_months(starts_on, months) - datetime.timedelta(days=1)


# --- opening (called by the counter's sale_pay) ------------------------------------------


def subscription_open(*, actor: Membership, line: SaleLine, at: datetime.datetime):
    """Open the subscription of a lent box sold on ``line`` (paid at ``at``).

    Runs inside the counter's payment transaction (or its own). The fee is the offer's
    monthly price, the first due date the day of payment, the planned end twelve months
    later (the day before the same date).
    """
    with transaction.atomic():
        line = SaleLine.objects.select_related("sale__site", "offer", "device").get(pk=line.pk)
        sale = line.sale
        _require_on_site(actor, sale.site)
        if line.offer.family not in LENT_FAMILIES:
            raise DomainError(_("Seules une box ou une clé 4G s'accompagnent d'un abonnement."))
        if line.kind != SaleLineKind.ITEM or line.device_id is None:
            raise DomainError(_("Choisissez la box prêtée (son numéro d'inventaire)."))
        if line.offer.monthly_price is None:
            raise DomainError(
                _("L'offre « %(offer)s » n'a pas de mensualité : indiquez-la au catalogue.")
                % {"offer": line.offer}
            )
        if BoxSubscription.objects.filter(opening_line=line).exists():
            raise DomainError(_("Cette box a déjà son abonnement."))
        starts_on = timezone.localdate(at)
        subscription = BoxSubscription(
            site=sale.site,
            beneficiary_id=sale.beneficiary_id,
            opening_line=line,
            device=line.device,
            monthly_fee=line.offer.monthly_price,
            starts_on=starts_on,
            ends_on=planned_end(starts_on),
        )
        _full_clean(subscription)
        subscription.save()
        journal.record(
            actor=actor.user,
            action="box_subscription.opened",
            obj=subscription,
            site=sale.site_id,
            payload={
                "sale": sale.pk,
                "device": line.device_id,
                "monthly_fee": str(subscription.monthly_fee),
                "starts_on": starts_on.isoformat(),
                "ends_on": subscription.ends_on.isoformat(),
            },
        )
    return subscription


# --- due dates, paid and overdue months ------------------------------------------------


def due_dates(subscription: BoxSubscription) -> list[datetime.date]:
    """Every due date of the subscription: the start day's date each month, up to the
    planned end, or up to the day it ended early."""
    last = subscription.ends_on
    if subscription.ended_on is not None:
        last = min(last, subscription.ended_on)
    dates: list[datetime.date] = []
    month = 0
    while True:
        due = add_months(subscription.starts_on, month)
        if due > last:
            return dates
        dates.append(due)
        month += 1


def is_late(due: datetime.date, today: datetime.date) -> bool:
    return due < today - datetime.timedelta(days=OVERDUE_GRACE_DAYS)


@dataclass(frozen=True)
class Month:
    """One due date and where it stands."""

    due: datetime.date
    paid: bool
    pending_sale_id: int | None  # a fee sale waiting at the counter
    overdue: bool


def _fee_lines(subscriptions: Iterable[BoxSubscription]):
    """Fee lines of paid or waiting sales, per subscription id."""
    lines: dict[int, list[tuple[datetime.date, str, int]]] = {}
    rows = SaleLine.objects.filter(
        subscription__in=[s.pk for s in subscriptions],
        kind=SaleLineKind.SUBSCRIPTION_FEE,
        sale__status__in=[SaleStatus.PAID, SaleStatus.CONFIRMED],
    ).values_list("subscription_id", "covers_month", "sale__status", "sale_id")
    for subscription_id, month, status, sale_id in rows:
        lines.setdefault(subscription_id, []).append((month, status, sale_id))
    return lines


def schedule(subscription: BoxSubscription, *, today: datetime.date | None = None) -> list[Month]:
    """The subscription's months: paid, waiting at the counter, overdue (a week after the
    due date, nothing paid it) or to come."""
    today = today or clock.localdate()
    found = _fee_lines([subscription]).get(subscription.pk, [])
    paid = {month for month, status, _sale in found if status == SaleStatus.PAID}
    pending = {month: sale for month, status, sale in found if status == SaleStatus.CONFIRMED}
    return [
        Month(
            due=due,
            paid=due in paid,
            pending_sale_id=pending.get(due),
            overdue=due not in paid and is_late(due, today),
        )
        for due in due_dates(subscription)
    ]


def annotate_overdue(subscriptions: Sequence[BoxSubscription], *, today=None) -> None:
    """Set ``overdue_count`` and ``to_return`` on each subscription of a page (one query)."""
    today = today or clock.localdate()
    found = _fee_lines(subscriptions)
    for subscription in subscriptions:
        paid = {m for m, status, _s in found.get(subscription.pk, []) if status == SaleStatus.PAID}
        overdue = sum(
            1 for due in due_dates(subscription) if is_late(due, today) and due not in paid
        )
        setattr(subscription, "overdue_count", overdue)  # noqa: B010  (drawn by the list)
        setattr(subscription, "to_return", is_box_to_return(subscription, today=today))  # noqa: B010


def is_box_to_return(subscription: BoxSubscription, *, today=None) -> bool:
    """Ended by the team, or past its planned end, and the box not back yet."""
    today = today or clock.localdate()
    if subscription.status == SubscriptionStatus.CLOSED:
        return False
    return subscription.status == SubscriptionStatus.ENDED or subscription.ends_on < today


def to_return_filter(today: datetime.date) -> Q:
    return Q(status=SubscriptionStatus.ENDED) | Q(
        status=SubscriptionStatus.ACTIVE, ends_on__lt=today
    )


# --- paying months ---------------------------------------------------------------------


def _lock(subscription: BoxSubscription) -> BoxSubscription:
    return (
        BoxSubscription.objects.select_for_update(of=("self",))
        .select_related("site", "opening_line__offer", "opening_line__sale")
        .get(pk=subscription.pk)
    )


def fee_sale_create(
    *, actor: Membership, subscription: BoxSubscription, months: Sequence[datetime.date]
) -> Sale:
    """A sale of the monthly fees of ``months`` (due dates), confirmed: the counter's
    ``sale_pay`` takes the payment within the network's hold time (``hold_minutes``). No
    stock is reserved and no quota taken.

    A month already paid, or already waiting in another sale at the counter, is refused.
    A fee line left on a cancelled or expired sale (never paid) is removed so the month
    can be sold again (one fee line per month: database constraint).
    """
    months = sorted(set(months))
    if not months:
        raise DomainError(_("Choisissez au moins un mois à payer."))
    if len(months) > MAX_MONTHS_PER_SALE:
        raise DomainError(
            _("Payez au plus %(count)s mois à la fois.") % {"count": MAX_MONTHS_PER_SALE}
        )
    with transaction.atomic():
        subscription = _lock(subscription)
        _require_on_site(actor, subscription.site)
        if subscription.status == SubscriptionStatus.CLOSED:
            raise DomainError(_("Cet abonnement est clos : il n'y a plus rien à payer."))
        due = set(due_dates(subscription))
        strangers = [month for month in months if month not in due]
        if strangers:
            raise DomainError(
                _("Le %(day)s n'est pas une échéance de cet abonnement.")
                % {"day": format_day(strangers[0])}
            )
        existing = list(
            SaleLine.objects.select_related("sale")
            .filter(subscription=subscription, covers_month__in=months)
            .order_by("covers_month")
        )
        for line in existing:
            if line.sale.status == SaleStatus.PAID:
                raise DomainError(
                    _("L'échéance du %(day)s est déjà payée.")
                    % {"day": format_day(line.covers_month)}
                )
            if line.sale.status in (SaleStatus.CART, SaleStatus.CONFIRMED):
                raise DomainError(
                    _("L'échéance du %(day)s attend déjà d'être encaissée au comptoir.")
                    % {"day": format_day(line.covers_month)}
                )
        stale = [line.pk for line in existing]
        if stale:
            SaleLine.objects.filter(pk__in=stale).delete()
        now = clock.now()
        offer = subscription.opening_line.offer
        fee = subscription.monthly_fee
        opening = subscription.opening_line.sale
        hold = CounterSettings.of_network(opening.network_id).hold_minutes
        sale = Sale(
            network_id=opening.network_id,
            site=subscription.site,
            beneficiary_id=subscription.beneficiary_id,
            household_id=opening.household_id,
            access_right_id=opening.access_right_id,
            status=SaleStatus.CONFIRMED,
            created_by=actor.user,
            confirmed_at=now,
            confirmed_by=actor.user,
            # Like any confirmed cart: the counter's sale_pay takes it until then, the
            # expiry job ends it after (its month may then be sold again).
            reserved_until=now + datetime.timedelta(minutes=hold),
            total_price=fee * len(months),
            total_market=fee * len(months),
        )
        _full_clean(sale)
        sale.save()
        lines = [
            SaleLine(
                sale=sale,
                kind=SaleLineKind.SUBSCRIPTION_FEE,
                offer=offer,
                quantity=1,
                subscription=subscription,
                covers_month=month,
                label=_("Mensualité %(offer)s — échéance du %(day)s")
                % {"offer": offer.name, "day": format_day(month)},
                unit_price=fee,
                unit_market_price=fee,
            )
            for month in months
        ]
        for line in lines:
            _full_clean(line, exclude=["sale", "subscription"])
        SaleLine.objects.bulk_create(lines)
        journal.record(
            actor=actor.user,
            action="box_subscription.fees_to_pay",
            obj=subscription,
            site=subscription.site_id,
            payload={
                "sale": sale.pk,
                "months": [month.isoformat() for month in months],
                "stale_lines": stale,
                "amount": str(sale.total_price),
            },
        )
    return sale


# --- end and box return ----------------------------------------------------------------


def _check_day(day: datetime.date, *, not_before: datetime.date) -> None:
    today = clock.localdate()
    if day > today:
        raise DomainError(_("La date ne peut pas être dans le futur."))
    if day < today - datetime.timedelta(days=BACKDATE_DAYS):
        raise DomainError(
            _("La date ne peut pas remonter à plus de %(days)s jours.") % {"days": BACKDATE_DAYS}
        )
    if day < not_before:
        raise DomainError(
            _("La date ne peut pas précéder le début de l'abonnement (%(day)s).")
            % {"day": format_day(not_before)}
        )


def subscription_end(
    *, actor: Membership, subscription: BoxSubscription, on: datetime.date, reason: str
) -> BoxSubscription:
    """End a running subscription on ``on``: no due date after that day; the box is to be
    returned."""
    reason = _clean_text(reason, required=_("Indiquez pourquoi l'abonnement s'arrête."))
    with transaction.atomic():
        subscription = _lock(subscription)
        _require_on_site(actor, subscription.site)
        if subscription.status != SubscriptionStatus.ACTIVE:
            raise DomainError(_("Cet abonnement est déjà terminé."))
        _check_day(on, not_before=subscription.starts_on)
        subscription.status = SubscriptionStatus.ENDED
        subscription.ended_on = min(on, subscription.ends_on)
        _full_clean(subscription)
        subscription.save(update_fields=["status", "ended_on", "updated_at"])
        figures_marks.mark_subscription(subscription, subscription.ended_on)
        journal.record(
            actor=actor.user,
            action="box_subscription.ended",
            obj=subscription,
            site=subscription.site_id,
            reason=reason,
            payload={"ended_on": subscription.ended_on.isoformat()},
        )
    return subscription


BOX_FATES = (ReturnedDeviceFate.TO_PROCESS, ReturnedDeviceFate.WRITTEN_OFF)


def box_return(
    *,
    actor: Membership,
    subscription: BoxSubscription,
    on: datetime.date,
    condition: str,
    fate: str = ReturnedDeviceFate.TO_PROCESS,
) -> BoxSubscription:
    """The box is back: stock's RETURN (to process; written off when it is broken), the
    subscription closed. A running subscription ends on that day."""
    condition = _clean_text(condition, required=_("Décrivez l'état de la box rendue."))
    if fate not in BOX_FATES:
        raise DomainError(_("Choisissez ce que devient la box : à traiter ou mise au rebut."))
    with transaction.atomic():
        subscription = _lock(subscription)
        _require_on_site(actor, subscription.site)
        if subscription.status == SubscriptionStatus.CLOSED:
            raise DomainError(_("Cette box a déjà été rendue."))
        _check_day(on, not_before=subscription.starts_on)
        reason = _("Box rendue en fin d'abonnement : %(condition)s") % {"condition": condition}
        stock_return(actor=actor, site=subscription.site, reason=reason, device=subscription.device)
        if fate == ReturnedDeviceFate.WRITTEN_OFF:
            device = lifecycle.locked_device(subscription.device)
            lifecycle.device_write_off(device, actor=actor, reason=reason, at=clock.now())
        if subscription.ended_on is None:
            subscription.ended_on = max(min(on, subscription.ends_on), subscription.starts_on)
        subscription.status = SubscriptionStatus.CLOSED
        subscription.device_returned_on = on
        subscription.return_note = condition
        subscription.returned_to = actor.user
        _full_clean(subscription)
        subscription.save(
            update_fields=[
                "status",
                "ended_on",
                "device_returned_on",
                "return_note",
                "returned_to",
                "updated_at",
            ]
        )
        figures_marks.mark_subscription(subscription, subscription.ended_on, on)
        journal.record(
            actor=actor.user,
            action="box_subscription.box_returned",
            obj=subscription,
            site=subscription.site_id,
            reason=condition,
            payload={"device": subscription.device_id, "fate": fate, "returned_on": on.isoformat()},
        )
    return subscription


def total_due(months: Sequence[Month], fee: Decimal) -> Decimal:
    return fee * sum(1 for month in months if month.overdue)
