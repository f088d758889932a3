"""The quota engine: what a person (or their household) may still buy, and the ledger.

Rules (``QuotaRule``) are read at a moment ``at``; the ledger (``QuotaConsumption``) holds
what was taken. ``quota_remaining`` and ``quota_check`` read; ``quota_consume`` and
``quota_give_back`` write, with the person's file row and their household's row locked
for the transaction, so that two sales at once cannot both pass a rule (the counter sale
calls them inside its own transaction). Decision: docs/decisions/0047-households-and-quotas.md.

Windows, in the French time zone, for a check at ``at`` (local day D):
- calendar month: from the first of D's month, 00:00;
- N days / N years: purchases made after the day D − N days (or D − N years): a purchase
  of 12 March 2025 under "one per 3 years" counts until 11 March 2028 included;
- the access-right period: from the first day of the person's current right;
- lifetime: everything.
Household rules count the purchases of everyone in the person's household at ``at``
(whenever they were made) and those recorded for that household (by someone who has
since left it).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Site
from tisser.beneficiaries.models import Beneficiary, Household, HouseholdMember
from tisser.core import clock
from tisser.core.dates import format_day, start_of_day
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.offers.models import Offer
from tisser.sales.enums import QuotaMeasure, QuotaPer, QuotaWindow
from tisser.sales.models import MAX_QUANTITY, AccessRight, QuotaConsumption, QuotaRule
from tisser.sales.services import network_of

SELL_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR)
OVERRIDE_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER)


def format_euros(value: Decimal) -> str:
    """``30 €``, ``4,50 €``: French money for people."""
    value = Decimal(value).quantize(Decimal("0.01"))
    if value == value.to_integral_value():
        return f"{int(value)} €"
    return f"{value:.2f} €".replace(".", ",")


def unit_value(offer: Offer) -> Decimal:
    """What one unit counts in an amount rule: its face value (a recharge of 5 €), else its
    market value for an offer that has none (a device). Never the solidarity price paid."""
    if offer.face_value is not None:
        return offer.face_value
    return offer.market_price


@dataclass(frozen=True)
class BasketLine:
    offer: Offer
    quantity: int = 1


@dataclass
class RuleStatus:
    """One rule for one person at one moment: how much is used, how much remains."""

    rule: QuotaRule
    used: Any  # an int (quantity) or a Decimal (amount)
    maximum: Any
    window_start: datetime.datetime | None
    applies: bool = True  # False: an access-right window with no right at that moment
    counted: list = field(default_factory=list)

    @property
    def remaining(self):
        return max(self.maximum - self.used, 0) if self.applies else self.maximum

    @property
    def is_amount(self) -> bool:
        return self.rule.measure == QuotaMeasure.AMOUNT

    def show(self, value) -> str:
        return format_euros(value) if self.is_amount else str(value)

    @property
    def show_used(self) -> str:
        return self.show(self.used)

    @property
    def remaining_text(self) -> str:
        if not self.applies:
            return _("s'applique pendant un droit d'accès")
        if self.is_amount:
            return _("%(left)s sur %(max)s") % {
                "left": format_euros(self.remaining),
                "max": format_euros(self.maximum),
            }
        return ngettext("%(left)s sur %(max)s", "%(left)s sur %(max)s", self.remaining) % {
            "left": self.remaining,
            "max": self.maximum,
        }

    @property
    def last(self):
        return self.counted[0] if self.counted else None


@dataclass(frozen=True)
class _Context:
    beneficiary: Beneficiary
    network_id: int
    household_id: int | None
    member_ids: frozenset[int]
    right: AccessRight | None


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def window_start(rule: QuotaRule, at: datetime.datetime, right: AccessRight | None):
    """The first moment counted by ``rule`` for a check at ``at`` (None: since ever).
    Raises LookupError for an access-right window without a right at that moment."""
    day = timezone.localtime(at).date()
    if rule.window == QuotaWindow.CALENDAR_MONTH:
        return start_of_day(day.replace(day=1))
    length = rule.window_length or 1
    if rule.window == QuotaWindow.ROLLING_DAYS:
        return start_of_day(day - datetime.timedelta(days=length - 1))
    if rule.window == QuotaWindow.YEARS:
        return start_of_day(_years_before(day, length) + datetime.timedelta(days=1))
    if rule.window == QuotaWindow.ACCESS_RIGHT:
        if right is None:
            raise LookupError
        return start_of_day(right.starts_on)
    return None


def _context(beneficiary: Beneficiary, at: datetime.datetime, *, need_right: bool) -> _Context:
    network_id = network_of(beneficiary)
    link = (
        HouseholdMember.objects.filter(beneficiary=beneficiary, joined_at__lte=at)
        .filter(Q(left_at__isnull=True) | Q(left_at__gt=at))
        .first()
    )
    member_ids = {beneficiary.pk}
    if link is not None:
        member_ids.update(
            HouseholdMember.objects.filter(household_id=link.household_id, joined_at__lte=at)
            .filter(Q(left_at__isnull=True) | Q(left_at__gt=at))
            .values_list("beneficiary_id", flat=True)
        )
    right = None
    if need_right:
        day = timezone.localtime(at).date()
        right = (
            AccessRight.objects.filter(
                beneficiary=beneficiary, network_id=network_id, starts_on__lte=day, ends_on__gte=day
            )
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
            .order_by("-starts_on", "-pk")
            .first()
        )
    return _Context(
        beneficiary=beneficiary,
        network_id=network_id,
        household_id=link.household_id if link else None,
        member_ids=frozenset(member_ids),
        right=right,
    )


def _rules(network_id: int) -> list[QuotaRule]:
    return list(QuotaRule.objects.active().filter(network_id=network_id).order_by("name", "pk"))


def _statuses(rules: Sequence[QuotaRule], ctx: _Context, at: datetime.datetime) -> list[RuleStatus]:
    """Every rule's usage from one read of the ledger (constant number of queries)."""
    starts: dict[int, Any] = {}
    for rule in rules:
        try:
            starts[rule.pk] = window_start(rule, at, ctx.right)
        except LookupError:
            starts[rule.pk] = LookupError
    known = [s for s in starts.values() if s is not LookupError]
    earliest = None if any(s is None for s in known) or not known else min(known)
    who = Q(beneficiary_id__in=ctx.member_ids)
    if ctx.household_id is not None:
        who |= Q(household_id=ctx.household_id)
    rows = QuotaConsumption.objects.filter(who, network_id=ctx.network_id, at__lte=at)
    if earliest is not None:
        rows = rows.filter(at__gte=earliest)
    consumptions = list(rows.order_by("-at", "-pk")) if known else []
    statuses = []
    for rule in rules:
        start = starts[rule.pk]
        zero: Any = Decimal("0") if rule.measure == QuotaMeasure.AMOUNT else 0
        if start is LookupError:
            statuses.append(RuleStatus(rule, zero, rule.maximum, None, applies=False))
            continue
        counted = [
            c
            for c in consumptions
            if (start is None or c.at >= start)
            and (c.given_back_at is None or not rule.return_gives_back)
            and rule.covers(offer_id=c.offer_id, family=c.family)
            and (rule.per == QuotaPer.HOUSEHOLD or c.beneficiary_id == ctx.beneficiary.pk)
        ]
        used = sum(
            (c.amount if rule.measure == QuotaMeasure.AMOUNT else c.quantity for c in counted),
            zero,
        )
        statuses.append(RuleStatus(rule, used, rule.maximum, start, counted=counted))
    return statuses


def _needs_right(rules: Iterable[QuotaRule]) -> bool:
    return any(rule.window == QuotaWindow.ACCESS_RIGHT for rule in rules)


def quota_remaining(
    *, beneficiary: Beneficiary, at: datetime.datetime | None = None
) -> list[RuleStatus]:
    """What remains of each of the network's rules for this person at ``at`` (now)."""
    at = at or clock.now()
    rules = _rules(network_of(beneficiary))
    ctx = _context(beneficiary, at, need_right=_needs_right(rules))
    return _statuses(rules, ctx, at)


def _window_phrase(rule: QuotaRule) -> str:
    if rule.window == QuotaWindow.CALENDAR_MONTH:
        return _("ce mois-ci")
    if rule.window == QuotaWindow.ROLLING_DAYS:
        return _("sur les %(n)s derniers jours") % {"n": rule.window_length}
    if rule.window == QuotaWindow.YEARS:
        return ngettext(
            "depuis un an", "sur les %(n)s dernières années", rule.window_length or 1
        ) % {"n": rule.window_length}
    if rule.window == QuotaWindow.ACCESS_RIGHT:
        return _("pendant ce droit d'accès")
    return _("jusqu'ici")


def _reason(status: RuleStatus, asked, beneficiary_id: int) -> str:
    rule = status.rule
    last = status.last
    if rule.measure == QuotaMeasure.QUANTITY and last is not None and status.remaining == 0:
        who = (
            _("par cette personne")
            if last.beneficiary_id == beneficiary_id
            else _("par un membre du foyer")
        )
        return _("%(rule)s : déjà acheté le %(date)s %(who)s.") % {
            "rule": rule.name,
            "date": format_day(last.at),
            "who": who,
        }
    return _(
        "%(rule)s : %(used)s déjà utilisé %(window)s sur %(max)s ; il reste %(left)s, "
        "ce panier en demande %(asked)s."
    ) % {
        "rule": rule.name,
        "used": status.show(status.used),
        "window": _window_phrase(rule),
        "max": status.show(status.maximum),
        "left": status.show(status.remaining),
        "asked": status.show(asked),
    }


def _check(statuses: list[RuleStatus], basket: Sequence[BasketLine], beneficiary_id: int):
    """(French reasons, ids of the rules exceeded)."""
    reasons, exceeded = [], []
    for status in statuses:
        if not status.applies:
            continue
        rule = status.rule
        asked: Any = Decimal("0") if rule.measure == QuotaMeasure.AMOUNT else 0
        for line in basket:
            if rule.covers(offer_id=line.offer.pk, family=line.offer.family):
                if rule.measure == QuotaMeasure.AMOUNT:
                    asked += unit_value(line.offer) * line.quantity
                else:
                    asked += line.quantity
        if asked and status.used + asked > status.maximum:
            reasons.append(_reason(status, asked, beneficiary_id))
            exceeded.append(rule.pk)
    return reasons, exceeded


def _check_basket(basket: Sequence[BasketLine]) -> None:
    if not basket:
        raise DomainError(_("Le panier est vide."))
    for line in basket:
        if not isinstance(line.quantity, int) or not 1 <= line.quantity <= MAX_QUANTITY:
            raise DomainError(_("Chaque ligne du panier compte entre 1 et 1000 unités."))


def quota_check(
    *, beneficiary: Beneficiary, basket: Sequence[BasketLine], at: datetime.datetime | None = None
) -> list[str]:
    """Whether the basket fits every rule: the French reasons it does not (empty: it fits)."""
    at = at or clock.now()
    _check_basket(basket)
    rules = _rules(network_of(beneficiary))
    ctx = _context(beneficiary, at, need_right=_needs_right(rules))
    return _check(_statuses(rules, ctx, at), basket, beneficiary.pk)[0]


@dataclass(frozen=True)
class Override:
    """A site manager allows one sale beyond a quota, with the reason written down."""

    by: Membership
    reason: str


def _require(actor: Membership | None, roles) -> Membership:
    if actor is None or not actor.is_active or actor.role not in roles:
        raise DomainError(_("Votre rôle ne permet pas cette action."))
    return actor


def _lock_person(beneficiary: Beneficiary) -> Beneficiary:
    """The file, then its current household: the same order in every writer (no deadlock)."""
    locked = (
        Beneficiary.objects.select_for_update(of=("self",))
        .select_related("site")
        .get(pk=beneficiary.pk)
    )
    if locked.merged_into_id is not None:
        raise DomainError(
            _("Ce dossier a été fusionné dans un autre dossier : ouvrez le dossier conservé.")
        )
    link = HouseholdMember.objects.current().filter(beneficiary=locked).first()
    if link is not None:
        list(Household.objects.select_for_update().filter(pk=link.household_id))
    return locked


def quota_consume(
    *,
    actor: Membership,
    beneficiary: Beneficiary,
    site: Site,
    basket: Sequence[BasketLine],
    reference_kind: str = "",
    reference_ids: Sequence[int | None] | None = None,
    override: Override | None = None,
) -> list[QuotaConsumption]:
    """Record what a sale takes from the quotas, refusing it if a rule would be exceeded.

    Runs in the caller's transaction when there is one (the counter sale's), else in its
    own. The person's file and household rows stay locked until that transaction ends,
    so a concurrent sale for them waits and then sees this one. ``override``: a site
    manager lets this one sale through despite the rules (journaled with the reason).
    """
    _require(actor, SELL_ROLES)
    _check_basket(basket)
    if reference_ids is not None and len(reference_ids) != len(basket):
        raise ValueError("one reference per basket line")
    if not Beneficiary.objects.visible_to(actor).filter(pk=beneficiary.pk).exists():
        raise DomainError(_("Ce dossier n'est pas accessible depuis votre organisation."))
    if not Site.objects.visible_to(actor).filter(pk=site.pk).exists():
        raise DomainError(_("Cet espace n'est pas le vôtre."))
    override_reason = ""
    if override is not None:
        _require(override.by, OVERRIDE_ROLES)
        if not Site.objects.visible_to(override.by).filter(pk=site.pk).exists():
            raise DomainError(_("Seul un responsable de cet espace peut accorder une dérogation."))
        override_reason = " ".join((override.reason or "").split())[:500]
        if not override_reason:
            raise DomainError(_("Indiquez pourquoi ce quota est dépassé cette fois."))
    with transaction.atomic():
        person = _lock_person(beneficiary)
        if site.network_id != person.site.network_id:
            raise DomainError(_("Ce dossier appartient à un autre réseau."))
        at = clock.now()
        rules = _rules(network_of(person))
        ctx = _context(person, at, need_right=_needs_right(rules))
        reasons, exceeded = _check(_statuses(rules, ctx, at), basket, person.pk)
        if reasons and override is None:
            raise DomainError(" ".join(reasons))
        overridden = bool(reasons)
        rows = [
            QuotaConsumption(
                network_id=network_of(person),
                site=site,
                beneficiary=person,
                household_id=ctx.household_id,
                offer=line.offer,
                family=line.offer.family,
                quantity=line.quantity,
                amount=unit_value(line.offer) * line.quantity,
                at=at,
                reference_kind=reference_kind,
                reference_id=reference_ids[index] if reference_ids is not None else None,
                overridden=overridden,
                override_reason=override_reason if overridden else "",
                override_by=override.by.user if overridden and override else None,
                recorded_by=actor.user,
            )
            for index, line in enumerate(basket)
        ]
        QuotaConsumption.objects.bulk_create(rows)
        record(
            actor=actor.user,
            action="quota.consumed",
            obj=person,
            site=site,
            payload={
                "beneficiary": person.pk,
                "offers": [line.offer.pk for line in basket],
                "quantities": [line.quantity for line in basket],
                "reference_kind": reference_kind,
            },
        )
        if overridden and override is not None:
            record(
                actor=override.by.user,
                action="quota.overridden",
                obj=person,
                site=site,
                reason=override_reason,
                payload={"beneficiary": person.pk, "rules": exceeded},
            )
    return rows


def quota_give_back(*, actor: Membership, consumptions: Sequence[QuotaConsumption]) -> int:
    """A return: these lines stop counting (for the rules whose returns give quota back)."""
    _require(actor, SELL_ROLES)
    if not consumptions:
        return 0
    ids = [c.pk for c in consumptions]
    people = {c.beneficiary_id for c in consumptions}
    if len(people) != 1:
        raise ValueError("give back the lines of one person at a time")
    visible = QuotaConsumption.objects.visible_to(actor).filter(pk__in=ids).count()
    if visible != len(set(ids)):
        raise DomainError(_("Ces achats ne sont pas accessibles depuis votre organisation."))
    with transaction.atomic():
        person = _lock_person(Beneficiary(pk=people.pop()))
        rows = list(QuotaConsumption.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        if any(row.given_back_at is not None for row in rows):
            raise DomainError(_("Cet achat a déjà été rendu."))
        at = clock.now()
        QuotaConsumption.objects.filter(pk__in=ids).update(
            given_back_at=at, given_back_by=actor.user
        )
        record(
            actor=actor.user,
            action="quota.given_back",
            obj=person,
            site=rows[0].site,
            payload={"beneficiary": person.pk, "lines": ids},
        )
    return len(ids)
