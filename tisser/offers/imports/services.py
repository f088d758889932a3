"""Prepare, preview and confirm a stock file (see the package's docstring)."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tisser.accounts.models import Site
from tisser.core import clock, journal
from tisser.core.dates import format_when
from tisser.core.errors import DomainError
from tisser.offers import receipts
from tisser.offers.enums import DeviceStatus, Tracking
from tisser.offers.imports import store
from tisser.offers.imports.rows import parse_file
from tisser.offers.models import Offer, StockImport

KINDS = (Tracking.DEVICE, Tracking.VOUCHER)


@dataclass
class PreviewRow:
    number: int
    state: str  # "create", "already", "duplicate", "problem"
    item: Any
    problems: list[tuple[str, str]]
    duplicate_of: int | None = None
    already: str = ""  # the inventory id of a device already in stock


@dataclass
class Preview:
    stock_import: StockImport
    kind: str
    encoding: str
    delimiter: str
    ignored_columns: list[str]
    rows: list[PreviewRow]

    @property
    def counts(self) -> Counter:
        return Counter(row.state for row in self.rows)

    @property
    def problems(self) -> list[tuple[int, str, str]]:
        return [
            (row.number, column, message)
            for row in self.rows
            if row.state == "problem"
            for column, message in row.problems
        ]

    @property
    def to_create(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.state == "create"]


def stock_import_list(*, actor):
    """The imports of the actor's site (a network admin: the network's), newest first."""
    return (
        StockImport.objects.visible_to(actor)
        .select_related("site", "offer", "created_by")
        .order_by("-created_at", "-pk")
    )


def _already_imported(site: Site, sha256: str):
    return StockImport.objects.filter(site=site, file_sha256=sha256, confirmed_at__isnull=False)


def _check_choices(*, site, kind, offer, lot, device_status):
    if kind not in KINDS:
        raise DomainError(_("Choisissez ce que contient le fichier : appareils ou codes."))
    if offer.tracking != kind:
        raise DomainError(
            _("L'offre « %(offer)s » ne se reçoit pas avec ce type de fichier.") % {"offer": offer}
        )
    if kind == Tracking.DEVICE:
        choices = receipts.receipt_status_choices(site)
        if device_status and device_status not in choices:
            raise DomainError(
                _("Statut impossible à la réception ici : %(status)s.")
                % {"status": DeviceStatus(device_status).label}
            )
        return device_status or choices[0]
    return ""


def stock_import_prepare(
    *,
    actor,
    site: Site,
    kind: str,
    offer: Offer,
    file_name: str,
    content: bytes,
    lot=None,
    device_status: str = "",
) -> StockImport:
    """Read and check a file; keep its rows for the preview. Receives nothing yet."""
    receipts.require_receiver(actor, site)
    receipts.check_offer(offer, site, kind)
    receipts.check_lot(lot, site, offer)
    device_status = _check_choices(
        site=site, kind=kind, offer=offer, lot=lot, device_status=device_status
    )
    store.purge_stale_files()
    sha256 = hashlib.sha256(content).hexdigest()
    done = _already_imported(site, sha256).order_by("confirmed_at").first()
    if done is not None:
        raise DomainError(
            _("Ce fichier a déjà été importé le %(date)s : rien n'a été ajouté une seconde fois.")
            % {"date": format_when(done.confirmed_at)}
        )
    parsed, items = parse_file(content, kind=kind, offer=offer)
    with transaction.atomic():
        stock_import = StockImport(
            site=site,
            file_sha256=sha256,
            file_name=Path(file_name or "stock").name[:200],
            kind=kind,
            offer=offer,
            lot=lot,
            device_status=device_status,
            created_by=actor.user,
            row_count=len(parsed.rows),
        )
        stock_import.full_clean(exclude=["site", "created_by", "offer", "lot"])
        stock_import.save()
        store.save(stock_import, parsed, items)
        journal.record(
            actor=actor.user,
            action="stock_import.prepared",
            obj=stock_import,
            site=site,
            payload={"rows": len(parsed.rows), "kind": kind},
        )
    return stock_import


def stock_import_preview(*, stock_import: StockImport) -> Preview:
    """What confirming would do, row by row (stock checked now, not at upload)."""
    payload = store.load(stock_import)
    rows = payload["rows"]
    items = [row["item"] for row in rows]
    if stock_import.kind == Tracking.DEVICE:
        known_devices = receipts.devices_already_in_stock(items)
        known_prints: set[str] = set()
    else:
        known_devices = {}
        known_prints = receipts.vouchers_already_in_stock(
            [row["key"] for row in rows if row["key"]]
        )
    preview_rows = []
    for row in rows:
        item = row["item"]
        already = known_devices.get(id(item), "")
        if row["problems"]:
            state = "problem"
        elif row["dup"] is not None:
            state = "duplicate"
        elif already or (row["key"] and row["key"] in known_prints):
            state = "already"
        else:
            state = "create"
        preview_rows.append(
            PreviewRow(
                number=row["n"],
                state=state,
                item=item,
                problems=row["problems"],
                duplicate_of=row["dup"],
                already=already,
            )
        )
    return Preview(
        stock_import=stock_import,
        kind=payload["kind"],
        encoding=payload["encoding"],
        delimiter=payload["delimiter"],
        ignored_columns=payload["ignored_columns"],
        rows=preview_rows,
    )


def stock_import_confirm(*, actor, stock_import: StockImport) -> StockImport:
    """Receive every new row of the file, or nothing (a row with a problem blocks the file).

    Rows already in stock and rows repeating an earlier one are skipped; the same file
    confirmed twice adds nothing (``file_sha256``). One journal entry for the import.
    """
    receipts.require_receiver(actor, stock_import.site)
    with transaction.atomic():
        locked = StockImport.objects.select_for_update().get(pk=stock_import.pk)
        if locked.confirmed_at is not None:
            raise DomainError(_("Ce fichier est déjà importé."))
        done = _already_imported(locked.site, locked.file_sha256).first()
        if done is not None:
            raise DomainError(
                _(
                    "Ce fichier a déjà été importé le %(date)s : rien n'a été ajouté une seconde fois."
                )
                % {"date": format_when(done.confirmed_at)}
            )
        preview = stock_import_preview(stock_import=locked)
        if preview.problems:
            raise DomainError(
                _(
                    "%(count)s ligne(s) ont un problème : corrigez le fichier et déposez-le à "
                    "nouveau. Rien n'a été importé."
                )
                % {"count": preview.counts["problem"]}
            )
        items = [row.item for row in preview.to_create]
        offer = Offer.objects.get(pk=locked.offer_id)
        if items and locked.kind == Tracking.DEVICE:
            receipts.devices_receive(
                actor=actor,
                site=locked.site,
                offer=offer,
                items=items,
                status=locked.device_status or None,
                lot=locked.lot,
                stock_import=locked,
            )
        elif items:
            receipts.vouchers_receive(
                actor=actor,
                site=locked.site,
                offer=offer,
                items=items,
                lot=locked.lot,
                stock_import=locked,
            )
        locked.confirmed_at = clock.now()
        locked.rows_created = len(items)
        locked.rows_skipped = len(preview.rows) - len(items)
        locked.save(update_fields=["confirmed_at", "rows_created", "rows_skipped", "updated_at"])
        journal.record(
            actor=actor.user,
            action="stock_import.confirmed",
            obj=locked,
            site=locked.site_id,
            payload={
                "rows": len(preview.rows),
                "created": locked.rows_created,
                "skipped": locked.rows_skipped,
                "kind": locked.kind,
            },
        )
        transaction.on_commit(lambda: store.discard(locked))
    return locked
