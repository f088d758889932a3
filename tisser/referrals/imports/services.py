"""The two writes of an import: prepare (check and keep the parsed rows) and confirm.

1. ``import_prepare`` reads the uploaded file, checks every row and keeps the parsed rows in
   a temporary file (:mod:`.store`). It records an unconfirmed :class:`ImportBatch`; nothing
   else is written.
2. ``import_confirm`` creates every referral at once — or nothing: one row with a problem
   blocks the whole file. The same file confirmed twice creates nothing the second time
   (``ImportBatch.file_sha256``), and each row carries an ``import_key`` (unique in the
   database) so that a person already imported for the sender is never imported again.

The referrals go straight to "submitted" (or "moderation pending" for a partner whose
habilitation is not validated yet). Their history rows and journal entries are built by the
same helpers as the transitions' (``transitions.history_event``, ``transitions.journal_entry``)
and written in bulk, so that 10,000 rows take seconds.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tisser.accounts.models import Membership, Partner, Site
from tisser.beneficiaries.enums import CURRENT_NOTICE_VERSION
from tisser.core import clock
from tisser.core.dates import format_when
from tisser.core.errors import DomainError
from tisser.core.journal import record, record_many
from tisser.core.names import search_key
from tisser.referrals import figures_marks, transitions
from tisser.referrals.enums import ReferralSource, ReferralStatus
from tisser.referrals.imports import store
from tisser.referrals.imports.preview import CHUNK_SIZE, import_preview
from tisser.referrals.imports.rows import parse_file
from tisser.referrals.imports.scope import assign_sites, check_importer, sender_for
from tisser.referrals.models import ImportBatch, Referral, ReferralEvent


def _already_imported(actor: Membership, sha256: str, sender: Partner | None):
    return ImportBatch.objects.filter(
        organisation_id=actor.organisation_id,
        on_behalf_of=sender if _on_behalf(actor, sender) else None,
        file_sha256=sha256,
        confirmed_at__isnull=False,
    )


def _on_behalf(actor: Membership, sender: Partner | None) -> bool:
    return sender is not None and sender.pk != actor.organisation_id


def import_prepare(
    *,
    actor: Membership,
    file_name: str,
    content: bytes,
    site: Site | None = None,
    partner: Partner | None = None,
) -> ImportBatch:
    """Read and check an uploaded list; keep the parsed rows for the preview. Writes no referral.

    ``partner`` is for a network admin only: the partner the list is imported for.
    """
    check_importer(actor)
    sender = sender_for(actor, partner)
    on_behalf_of = sender if _on_behalf(actor, sender) else None
    store.purge_stale_files()
    sha256 = hashlib.sha256(content).hexdigest()
    done = _already_imported(actor, sha256, sender).order_by("confirmed_at").first()
    if done is not None:
        raise DomainError(
            _("Ce fichier a déjà été importé le %(date)s : rien n'a été créé une seconde fois.")
            % {"date": format_when(done.confirmed_at)}
        )
    # The import key is the person's identity in the sender's lists (the site's, without one).
    parsed = parse_file(
        content, organisation_id=sender.pk if sender is not None else actor.organisation_id
    )
    site = assign_sites(parsed, actor=actor, site=site)
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update()
            .filter(
                organisation_id=actor.organisation_id,
                on_behalf_of=on_behalf_of,
                file_sha256=sha256,
                confirmed_at__isnull=True,
            )
            .first()
        ) or ImportBatch(
            organisation_id=actor.organisation_id, on_behalf_of=on_behalf_of, file_sha256=sha256
        )
        batch.uploaded_by = actor.user
        batch.file_name = Path(file_name or "liste").name[:255]
        batch.row_count = len(parsed.rows)
        batch.full_clean(exclude=["organisation", "uploaded_by", "on_behalf_of"])
        batch.save()
        store.save(batch, parsed, single_site_id=site.pk if site is not None else None)
        payload = {"rows": batch.row_count, "kind": parsed.kind}
        if on_behalf_of is not None:
            payload["partner"] = on_behalf_of.pk
        record(actor=actor.user, action="referral_import.prepared", obj=batch, payload=payload)
    return batch


def _status_for(sender: Partner | None) -> str:
    if sender is not None and sender.habilitation_status not in transitions.TRUSTED_HABILITATIONS:
        return ReferralStatus.MODERATION_PENDING
    return ReferralStatus.SUBMITTED


def import_confirm(*, actor: Membership, batch: ImportBatch, notice_given: bool) -> ImportBatch:
    """Create every referral of the list, or none (a row with a problem blocks the file)."""
    check_importer(actor)
    if not notice_given:
        raise DomainError(
            _(
                "Confirmez que les personnes de la liste ont reçu la notice d'information "
                "avant d'importer."
            )
        )
    now = clock.now()
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.organisation_id != actor.organisation_id:
            raise DomainError(_("Votre rôle ne permet pas d'importer une liste."))
        # The partner is checked again: it may have lost its validation since the upload.
        sender = sender_for(actor, batch.on_behalf_of)
        if batch.confirmed_at is not None:
            raise DomainError(
                _("Cette liste est déjà importée : rien n'a été créé une seconde fois.")
            )
        if _already_imported(actor, batch.file_sha256, sender).exists():
            raise DomainError(
                _("Ce fichier a déjà été importé : rien n'a été créé une seconde fois.")
            )
        preview = import_preview(batch=batch)
        blocked = preview.problem_rows
        if blocked:
            raise DomainError(
                _(
                    "%(count)s ligne(s) ont un problème : rien n'a été importé. Corrigez le "
                    "fichier, puis déposez-le à nouveau."
                )
                % {"count": len(blocked)}
            )
        status = _status_for(sender)
        # A partner's referrer is the referrer; on behalf of a partner, nobody in particular.
        referrer = actor.user if sender is not None and not _on_behalf(actor, sender) else None
        referrals = []
        for row in preview.to_create:
            assert row.site_id is not None  # rows without a space are problems
            referral = Referral(
                site_id=row.site_id,
                partner=sender,
                referrer=referrer,
                source=ReferralSource.IMPORT,
                status=status,
                status_changed_at=now,
                submitted_at=now if status == ReferralStatus.SUBMITTED else None,
                notice_version=CURRENT_NOTICE_VERSION,
                import_key=row.import_key,
                search_key=search_key(row.data["first_name"], row.data["last_name"]),
                **row.data,
            )
            try:
                referral.full_clean(
                    exclude=["site", "partner", "referrer", "beneficiary"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                raise DomainError(
                    _("Ligne %(row)s : %(error)s Rien n'a été importé.")
                    % {"row": row.number, "error": " ".join(error.messages)}
                ) from error
            referrals.append(referral)
        try:
            with transaction.atomic():
                created = _bulk_create(referrals, actor=actor, batch=batch, now=now)
        except IntegrityError as exc:
            raise DomainError(
                _(
                    "Une partie de cette liste vient d'être importée par ailleurs : rien n'a été "
                    "créé. Rechargez l'aperçu."
                )
            ) from exc
        batch.created_count = created
        batch.skipped_count = len(preview.rows) - created
        batch.confirmed_at = now
        batch.save(update_fields=["created_count", "skipped_count", "confirmed_at", "updated_at"])
        payload = {"created": batch.created_count, "skipped": batch.skipped_count, "status": status}
        if batch.on_behalf_of_id is not None:
            payload["partner"] = batch.on_behalf_of_id
        record(actor=actor.user, action="referral_import.confirmed", obj=batch, payload=payload)
        path = store.stored_path(batch)
        transaction.on_commit(lambda: store.discard(path))
    return batch


def _bulk_create(referrals: list[Referral], *, actor: Membership, batch: ImportBatch, now) -> int:
    """Insert the referrals, their history rows and journal entries, 1,000 at a time."""
    note = _("Import de liste n° %(batch)s") % {"batch": batch.pk}
    for start in range(0, len(referrals), CHUNK_SIZE):
        chunk = Referral.objects.bulk_create(referrals[start : start + CHUNK_SIZE])
        figures_marks.mark_referrals(chunk, at=now)
        ReferralEvent.objects.bulk_create(
            transitions.history_event(
                referral=referral,
                from_status=ReferralStatus.DRAFT,
                to_status=referral.status,
                actor=actor,
                now=now,
                note=note,
            )
            for referral in chunk
        )
        record_many(
            transitions.journal_entry(
                referral=referral,
                actor=actor,
                action_code="imported",
                payload={"batch": batch.pk, "to": referral.status},
                at=now,
            )
            for referral in chunk
        )
    return len(referrals)
