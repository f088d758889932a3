"""A device's lifecycle (reference-lists §4.1), its grade (§4.2), and a voucher's statuses (§4.3).

One table says which status may follow which, and which service moves it there: the
team's buttons on the device page (``by_hand``), or a stock service (a reservation, a sale,
a transfer, a return). Every change writes a ``DeviceStatusChange`` row in the same
transaction; leaving the premises by ``NON_REEMPLOYABLE`` is a write-off in the ledger.
See docs/decisions/0039-device-lifecycle-and-grades.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.core import clock, journal, stale_figures
from tisser.core.errors import DomainError
from tisser.offers import stock_roles
from tisser.offers.enums import (
    DEVICE_ON_HAND_STATUSES,
    DeviceStatus,
    Grade,
    MovementKind,
    OperatingSystem,
    StorageKind,
    VoucherStatus,
)
from tisser.offers.ledger import Move, movements_apply
from tisser.offers.models import Device, DeviceStatusChange, Voucher

S = DeviceStatus


@dataclass(frozen=True)
class Step:
    """One allowed transition. ``by_hand``: a button of the device page (else a service of
    its own moves it: reservation, sale, transfer, return). ``where``: ``hub`` or ``site``
    when the step depends on where the device is. ``needs_reason``: the team says why."""

    to: str
    label: object
    by_hand: bool = True
    where: str = ""
    needs_reason: bool = False
    needs_grade: bool = False


NOT_REUSABLE_STEP = Step(
    S.NOT_REUSABLE, gettext_lazy("Déclarer non réemployable (sortie du stock)"), needs_reason=True
)

TRANSITIONS: dict[str, tuple[Step, ...]] = {
    S.TO_PROCESS: (
        Step(S.PROCESSING, gettext_lazy("Commencer le traitement (effacement, remise en état)")),
        NOT_REUSABLE_STEP,
    ),
    S.PROCESSING: (
        Step(
            S.READY_TO_ORDER,
            gettext_lazy("Traitement fini : prêt à commander"),
            where="hub",
            needs_grade=True,
        ),
        Step(
            S.READY_TO_DISTRIBUTE,
            gettext_lazy("Traitement fini : prêt à distribuer"),
            where="site",
            needs_grade=True,
        ),
        Step(S.TO_PROCESS, gettext_lazy("Remettre à traiter"), needs_reason=True),
        NOT_REUSABLE_STEP,
    ),
    S.READY_TO_ORDER: (
        Step(S.IN_DELIVERY, gettext_lazy("Expédier (commande d'un espace)"), by_hand=False),
        Step(S.PROCESSING, gettext_lazy("Reprendre le traitement"), needs_reason=True),
        NOT_REUSABLE_STEP,
    ),
    S.IN_DELIVERY: (
        Step(S.READY_TO_DISTRIBUTE, gettext_lazy("Réceptionner"), by_hand=False),
        Step(S.READY_TO_ORDER, gettext_lazy("Annuler l'envoi"), by_hand=False),
    ),
    S.READY_TO_DISTRIBUTE: (
        Step(S.RESERVED, gettext_lazy("Réserver"), by_hand=False),
        Step(S.IN_DELIVERY, gettext_lazy("Envoyer à un autre espace"), by_hand=False),
        Step(S.PROCESSING, gettext_lazy("Reprendre le traitement"), needs_reason=True),
        NOT_REUSABLE_STEP,
    ),
    S.RESERVED: (
        Step(S.READY_TO_DISTRIBUTE, gettext_lazy("Libérer la réservation"), by_hand=False),
        Step(S.DISTRIBUTED, gettext_lazy("Vendre"), by_hand=False),
    ),
    S.DISTRIBUTED: (
        Step(S.TO_PROCESS, gettext_lazy("Retour (à effacer de nouveau)"), by_hand=False),
        Step(S.AFTER_SALES, gettext_lazy("Retour en SAV (garantie)"), by_hand=False),
    ),
    S.AFTER_SALES: (
        Step(S.PROCESSING, gettext_lazy("Réparer (traitement)")),
        Step(S.TO_PROCESS, gettext_lazy("Remettre à traiter")),
        NOT_REUSABLE_STEP,
    ),
    S.NOT_REUSABLE: (),
}


def can_follow(from_status: str, to_status: str) -> bool:
    return any(step.to == to_status for step in TRANSITIONS.get(from_status, ()))


def _step(from_status: str, to_status: str) -> Step | None:
    return next((s for s in TRANSITIONS.get(from_status, ()) if s.to == to_status), None)


def hand_steps(device: Device, *, hub_id: int | None) -> list[Step]:
    """The buttons of the device page: the steps the team takes by hand from here."""
    where = "hub" if device.site_id == hub_id else "site"
    if device.transfer_id is not None:
        return []
    return [
        step
        for step in TRANSITIONS.get(device.status, ())
        if step.by_hand and step.where in ("", where)
    ]


# --- grade ------------------------------------------------------------------------------------


GRADES_BEST_FIRST = (Grade.PREMIUM, Grade.A, Grade.B, Grade.C, Grade.D)


def _points(value: int | None, table) -> int:
    if value is None:
        return 0
    return next((points for threshold, points in table if value >= threshold), 0)


def is_windows_10(device: Device) -> bool:
    return device.operating_system == OperatingSystem.WINDOWS and device.os_version.strip()[:2] in (
        "10",
    )


def grade_score(device: Device) -> int:
    """RAM, storage and CPU points, plus the NVMe bonus (settings ``DEVICE_GRADE_*``)."""
    score = (
        _points(device.memory_gb, settings.DEVICE_GRADE_RAM_POINTS)
        + _points(device.storage_gb, settings.DEVICE_GRADE_STORAGE_POINTS)
        + _points(device.cpu_score, settings.DEVICE_GRADE_CPU_POINTS)
    )
    if device.storage_kind == StorageKind.NVME:
        score += settings.DEVICE_GRADE_NVME_BONUS
    return score


def grade_suggest(device: Device) -> str | None:
    """The grade the specs give (a suggestion the team may override), or ``None`` when the
    RAM, the storage or the CPU benchmark is unknown."""
    if device.memory_gb is None or device.storage_gb is None or device.cpu_score is None:
        return None
    score = grade_score(device)
    minimum = settings.DEVICE_GRADE_MIN_SCORE
    grade = next(
        (g for g in GRADES_BEST_FIRST[:-1] if score >= minimum[g.value]),
        Grade.D,
    )
    hdd = device.storage_kind == StorageKind.HDD
    cap = None
    if hdd and device.cpu_score < settings.DEVICE_GRADE_WEAK_CPU:
        cap = Grade.C
    elif hdd or is_windows_10(device):
        cap = Grade.B
    if cap is not None and GRADES_BEST_FIRST.index(grade) < GRADES_BEST_FIRST.index(cap):
        grade = cap
    return grade.value


# --- device status changes --------------------------------------------------------------------


def device_record_status(
    device: Device, *, to_status: str, actor, at, reason: str = "", update_fields=()
) -> DeviceStatusChange:
    """Set the (locked) device's status, save it and write its history row. For the stock
    services of this app: they have checked the transition and hold the ledger change."""
    change = DeviceStatusChange(
        device=device,
        site_id=device.site_id,
        from_status=device.status,
        to_status=to_status,
        grade=device.grade,
        at=at,
        actor=actor.user if actor is not None else None,
        reason=reason[:300],
    )
    device.status = to_status
    device.save(update_fields=["status", "updated_at", *update_fields])
    change.save()
    stale_figures.mark_stale(
        site_id=change.site_id, day=timezone.localdate(at), dimension=stale_figures.STOCK
    )
    return change


def locked_device(device: Device) -> Device:
    return (
        Device.objects.select_for_update(of=("self",))
        .select_related("offer", "site")
        .get(pk=device.pk)
    )


def device_write_off(device: Device, *, actor, reason: str, at, refs=None) -> list:
    """Out of stock as not reusable (locked device, on the premises, not reserved)."""
    if device.status not in DEVICE_ON_HAND_STATUSES or device.transfer_id is not None:
        raise DomainError(_("Cet appareil n'est pas dans le stock de l'espace."))
    if device.status == S.RESERVED:
        raise DomainError(_("Cet appareil est réservé : libérez d'abord la réservation."))
    if not can_follow(device.status, S.NOT_REUSABLE):
        raise DomainError(_("Cet appareil ne peut pas être sorti du stock depuis ce statut."))
    movements = movements_apply(
        [
            Move(
                device.site_id,
                device.offer_id,
                MovementKind.WRITE_OFF,
                quantity=-1,
                reason=reason,
                refs={"device": device, **(refs or {})},
            )
        ],
        actor=actor.user if actor is not None else None,
        at=at,
    )
    device_record_status(device, to_status=S.NOT_REUSABLE, actor=actor, at=at, reason=reason)
    return movements


def device_status_change(
    *, actor, device: Device, to_status: str, reason: str = "", grade: str | None = None
) -> Device:
    """Move a device one step of its lifecycle by hand (a button of the device page).

    ``NON_REEMPLOYABLE`` writes it off; leaving ``EN_COURS_DE_TRAITEMENT`` for a ready
    status needs a grade the offer accepts and stamps ``wiped_at``.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        device = locked_device(device)
        if not stock_roles.may_process_devices(actor, device.site):
            raise DomainError(_("Vous ne pouvez pas changer le statut de cet appareil."))
        if device.transfer_id is not None:
            raise DomainError(_("Cet appareil est en route vers un autre espace."))
        step = _step(device.status, to_status)
        hub_id = stock_roles.hub_site_id(device.site.network_id)
        if step is None or not step.by_hand or step not in hand_steps(device, hub_id=hub_id):
            raise DomainError(
                _("Un appareil « %(from)s » ne peut pas passer à « %(to)s » ici.")
                % {
                    "from": S(device.status).label,
                    "to": S(to_status).label if to_status in S.values else to_status,
                }
            )
        if step.needs_reason and not reason:
            raise DomainError(_("Indiquez le motif de ce changement de statut."))
        now = clock.now()
        fields = []
        if step.needs_grade:
            grade = grade or device.grade
            if grade not in Grade.values:
                raise DomainError(_("Choisissez le grade de l'appareil."))
            allowed = device.offer.allowed_grades or []
            if allowed and grade not in allowed:
                raise DomainError(
                    _("L'offre « %(offer)s » n'accepte pas le grade %(grade)s.")
                    % {"offer": device.offer, "grade": Grade(grade).label}
                )
            device.grade = grade
            fields.append("grade")
        if device.status == S.PROCESSING and step.needs_grade:
            # Leaving processing for a ready status: the data were wiped.
            device.wiped_at = now
            fields.append("wiped_at")
        if to_status == S.NOT_REUSABLE:
            device_write_off(device, actor=actor, reason=reason, at=now)
        else:
            device_record_status(
                device,
                to_status=to_status,
                actor=actor,
                at=now,
                reason=reason,
                update_fields=fields,
            )
        journal.record(
            actor=actor.user,
            action="stock.device_status_changed",
            obj=device,
            site=device.site_id,
            reason=reason,
            payload={"to": to_status, "grade": device.grade},
        )
    return device


# --- vouchers ---------------------------------------------------------------------------------

V = VoucherStatus
# Statuses a voucher takes after its sale (by the counter of issue 11, through this table).
VOUCHER_TRANSITIONS: dict[str, frozenset[str]] = {
    V.IN_STOCK: frozenset({V.RESERVED, V.EXPIRED, V.VOID}),
    V.RESERVED: frozenset({V.IN_STOCK, V.SOLD}),
    V.SOLD: frozenset({V.ACTIVATED, V.DEFECTIVE}),
    V.ACTIVATED: frozenset({V.DEFECTIVE}),
    V.DEFECTIVE: frozenset({V.REPLACED}),
    V.REPLACED: frozenset(),
    V.EXPIRED: frozenset(),
    V.VOID: frozenset(),
}
# The after-sale steps this function takes; the others belong to reservations and write-offs.
AFTER_SALE = frozenset({V.ACTIVATED, V.DEFECTIVE, V.REPLACED})


def voucher_status_change(*, actor, voucher: Voucher, to_status: str, reason: str = "") -> Voucher:
    """A sold code confirmed working, declared defective, or replaced (by a sale of
    another: issue 11 sells the replacement and calls this for the defective one). A sold
    code never comes back into stock."""
    reason = (reason or "").strip()
    with transaction.atomic():
        voucher = (
            Voucher.objects.select_for_update(of=("self",))
            .select_related("site")
            .get(pk=voucher.pk)
        )
        stock_roles.check_site_actor(actor, voucher.site, stock_roles.RESERVERS)
        if to_status not in AFTER_SALE or to_status not in VOUCHER_TRANSITIONS[voucher.status]:
            raise DomainError(
                _("Un code « %(from)s » ne peut pas passer à « %(to)s ».")
                % {
                    "from": V(voucher.status).label,
                    "to": V(to_status).label if to_status in V.values else to_status,
                }
            )
        if to_status == V.DEFECTIVE and not reason:
            raise DomainError(_("Indiquez ce qui ne fonctionne pas."))
        voucher.status = to_status
        voucher.save(update_fields=["status", "updated_at"])
        journal.record(
            actor=actor.user,
            action="stock.voucher_status_changed",
            obj=voucher,
            site=voucher.site_id,
            reason=reason,
            payload={"to": to_status},
        )
    return voucher
