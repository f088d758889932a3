"""Every write about a person's file: create, update, consents, merge, link to a referral.

The ``actor`` is the acting :class:`~tisser.accounts.models.Membership`
(``request.membership``): its role says what may be done and its organisation bounds the
scope. ``beneficiary_for_referral`` also accepts the user or ``None`` (system), because the
referral transitions call it on their own authority. Each service runs in one
transaction, validates with ``full_clean()``, writes one journal entry holding ids and
codes only, and raises :class:`DomainError` with a French message when it refuses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Site, User
from tisser.beneficiaries.duplicates import Candidate, find_duplicates
from tisser.beneficiaries.enums import (
    CURRENT_NOTICE_VERSION,
    PERIOD_IDLE_DAYS,
    ConsentKind,
    EligibilityCriterion,
    PeriodCloseReason,
    PeriodOpening,
    SocialStatus,
)
from tisser.beneficiaries.hooks import (
    BENEFICIARY_ANONYMISED,
    BENEFICIARY_MERGED,
    PERIOD_CLOSED,
    PERIOD_OPENED,
)
from tisser.beneficiaries.models import (
    AccompanimentPeriod,
    Beneficiary,
    Consent,
    FileNote,
    FileNumberSequence,
    Household,
    HouseholdMember,
)
from tisser.core import clock, hooks, stale_figures
from tisser.core.choices import in_choice_order, known_codes
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.core.names import search_key
from tisser.core.phones import normalize_phone
from tisser.core.validators import reject_nir

# The fields the staff forms may set, in the order the forms show them.
BENEFICIARY_FIELDS = (
    "first_name",
    "last_name",
    "birth_year",
    "phone",
    "email",
    "preferred_channel",
    "postal_code",
    "commune",
    "social_status",
    "is_jobseeker",
    "eligibility_criteria",
    "nationality",
    "asylum_request",
    "notice_given_on",
    "notice_version",
)

# Who may do what (docs/decisions/0005-beneficiary-file.md). Partner referrers and funders:
# nothing. Volunteers welcome people at the counter: they search, open, create a file and
# record consents, but do not change an existing file nor merge files.
READ_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)
CREATE_ROLES = READ_ROLES
CONSENT_ROLES = READ_ROLES
EDIT_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR)
MERGE_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER)
# Erasing a person's identity for good: the network admin, or the manager of the file's site.
ANONYMISE_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER)
# A period opens when someone is welcomed (volunteers at the counter too); closing it is a
# judgement on the accompaniment, made by the team that leads it.
PERIOD_OPEN_ROLES = READ_ROLES
PERIOD_CLOSE_ROLES = EDIT_ROLES
# Notes are the site team's working notes: not the network, not volunteers, not partners.
NOTE_ROLES = (Role.SITE_MANAGER, Role.MEDIATOR)
NOTE_MAX_LENGTH = 2000
# How far back a period may be said to start (a visit recorded late).
PERIOD_BACKDATE_DAYS = 366

# Empty values that a merge may fill from the duplicate file.
_EMPTY: tuple[Any, ...] = (None, "", [], SocialStatus.NON_COMMUNIQUE)
_FILLABLE_ON_MERGE = (
    "last_name",
    "birth_year",
    "phone",
    "email",
    "postal_code",
    "commune",
    "social_status",
    "is_jobseeker",
    "nationality",
    "asylum_request",
)


class DuplicateSuspected(DomainError):
    """Files that may be the same person exist: the page shows them before creating."""

    def __init__(self, candidates: list[Candidate]):
        super().__init__(
            _(
                "Des dossiers ressemblent à cette personne. Vérifiez qu'elle n'a pas déjà "
                "un dossier avant d'en créer un nouveau."
            )
        )
        self.candidates = candidates


# --- helpers ---------------------------------------------------------------------------


def _require_role(actor: Membership | None, roles: Iterable[str]) -> Membership:
    if actor is None or not actor.is_active or actor.role not in roles:
        raise DomainError(_("Votre rôle ne permet pas cette action."))
    return actor


def _journal_user(actor: Membership | User | None) -> User | None:
    if isinstance(actor, Membership):
        return actor.user
    return actor


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        parts = []
        for name, errors in error.message_dict.items():
            try:
                label = str(getattr(Beneficiary._meta.get_field(name), "verbose_name", ""))
            except FieldDoesNotExist:  # a non-field error
                label = ""
            text = " ".join(errors)
            parts.append(f"{label.capitalize()} : {text}" if label else text)
        return " ".join(parts)
    return " ".join(error.messages)


def _full_clean(obj: models.Model, **kwargs: Any) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        raise DomainError(_validation_message(error)) from error


def _check_fields(data: Mapping[str, Any]) -> None:
    refused = sorted(set(data).difference(BENEFICIARY_FIELDS))
    if refused:
        raise DomainError(
            _("Ces champs ne peuvent pas être modifiés : %(fields)s.")
            % {"fields": ", ".join(refused)}
        )


def _clean_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise what the services store: E.164 phone, trimmed names, known criteria."""
    cleaned = dict(data)
    for name in ("first_name", "last_name", "commune", "postal_code", "email"):
        if name in cleaned and cleaned[name] is not None:
            cleaned[name] = " ".join(str(cleaned[name]).split())
    if "phone" in cleaned:
        try:
            cleaned["phone"] = normalize_phone(cleaned["phone"] or "")
        except ValidationError as error:
            raise DomainError(" ".join(error.messages)) from error
    if "eligibility_criteria" in cleaned:
        criteria = known_codes(
            cleaned["eligibility_criteria"],
            EligibilityCriterion,
            unknown_message=_("Critère inconnu : %(codes)s."),
        )
        cleaned["eligibility_criteria"] = in_choice_order(criteria, EligibilityCriterion)
    if cleaned.get("nationality") is None and "nationality" in cleaned:
        cleaned["nationality"] = ""
    return cleaned


def _check_consent_kinds(kinds: Iterable[str]) -> list[str]:
    return known_codes(kinds, ConsentKind, unknown_message=_("Consentement inconnu : %(codes)s."))


def _check_visible(actor: Membership, beneficiary: Beneficiary) -> None:
    if not Beneficiary.objects.visible_to(actor).filter(pk=beneficiary.pk).exists():
        raise DomainError(_("Ce dossier n'est pas accessible depuis votre organisation."))


def _lock_active_file(beneficiary: Beneficiary) -> Beneficiary:
    """The file's row, locked for the transaction; a merged-away file is refused."""
    locked = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    if locked.merged_into_id is not None:
        raise DomainError(
            _(
                "Ce dossier a été fusionné dans un autre dossier : il ne peut plus être "
                "modifié. Ouvrez le dossier conservé."
            )
        )
    return locked


def _mark_people(*files: Beneficiary) -> None:
    """The PEOPLE figures of each file's site, on the Paris day it was opened, changed
    (decision 0055): a new file, a merge, an anonymisation."""
    stale_figures.mark_stale_many(
        [(file.site_id, timezone.localdate(file.created_at)) for file in files],
        dimension=stale_figures.PEOPLE,
    )


def _next_file_number(site: Site) -> str:
    """``<SITE CODE>-<6 digits>``, from the site's counter locked for the transaction."""
    sequence, _created = FileNumberSequence.objects.select_for_update().get_or_create(site=site)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return f"{site.short_code.upper()}-{sequence.last_value:06d}"


def _new_file(
    *, site: Site, data: Mapping[str, Any], created_by: User | None, consents: list[str]
) -> Beneficiary:
    now = clock.now()
    values = {"notice_version": CURRENT_NOTICE_VERSION, **data}
    beneficiary = Beneficiary(site=site, created_by=created_by, last_contact_at=now, **values)
    beneficiary.search_key = search_key(beneficiary.first_name, beneficiary.last_name)
    beneficiary.file_number = "pending"
    _full_clean(beneficiary, exclude=["file_number"])
    beneficiary.file_number = _next_file_number(site)
    beneficiary.save()
    _mark_people(beneficiary)
    Consent.objects.bulk_create(
        [Consent(beneficiary=beneficiary, kind=kind, given_at=now) for kind in consents]
    )
    return beneficiary


# --- files -------------------------------------------------------------------------------


def beneficiary_create(
    *,
    actor: Membership,
    site: Site,
    data: Mapping[str, Any],
    consents: Iterable[str] = (),
    force: bool = False,
) -> Beneficiary:
    """Open a file at the counter (walk-in).

    Unless ``force`` is set (the person confirmed that none of the candidates is them),
    refuses with :class:`DuplicateSuspected` when files of the network look like the same
    person, so the page can show them first.
    """
    _require_role(actor, CREATE_ROLES)
    _check_fields(data)
    if not Site.objects.visible_to(actor).filter(pk=site.pk).exists():
        raise DomainError(_("Vous ne pouvez pas créer de dossier pour cet espace."))
    cleaned = _clean_data(data)
    consent_kinds = _check_consent_kinds(consents)
    if not cleaned.get("notice_given_on"):
        raise DomainError(
            _("Indiquez la date à laquelle la notice d'information a été remise à la personne.")
        )
    if not cleaned.get("last_name"):
        raise DomainError(_("Indiquez le nom de la personne."))
    with transaction.atomic():
        if not force:
            candidates = find_duplicates(
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
                birth_year=cleaned.get("birth_year"),
                phone=cleaned.get("phone", ""),
                site_network=site.network_id,
                home_site_id=site.pk,
                membership=actor,
            )
            if candidates:
                raise DuplicateSuspected(candidates)
        beneficiary = _new_file(
            site=site, data=cleaned, created_by=actor.user, consents=consent_kinds
        )
        record(
            actor=actor.user,
            action="beneficiary.created",
            obj=beneficiary,
            site=site,
            payload={
                "file_number": beneficiary.file_number,
                "source": "counter",
                "duplicate_check_overridden": force,
                "consents": consent_kinds,
                "notice_version": beneficiary.notice_version,
            },
        )
    return beneficiary


def beneficiary_update(
    *, actor: Membership, beneficiary: Beneficiary, data: Mapping[str, Any]
) -> list[str]:
    """Change a file. Returns the names of the fields that changed (none: nothing written)."""
    _require_role(actor, EDIT_ROLES)
    _check_fields(data)
    _check_visible(actor, beneficiary)
    cleaned = _clean_data(data)
    with transaction.atomic():
        locked = _lock_active_file(beneficiary)
        if locked.anonymised_at is not None:
            raise DomainError(_("Ce dossier est anonymisé : il ne peut plus être modifié."))
        changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
        if not changed:
            return []
        for name in changed:
            setattr(locked, name, cleaned[name])
        if not locked.last_name and "last_name" in changed:
            raise DomainError(_("Indiquez le nom de la personne."))
        locked.search_key = search_key(locked.first_name, locked.last_name)
        _full_clean(locked)
        locked.save(update_fields=[*changed, "search_key", "updated_at"])
        record(
            actor=actor.user,
            action="beneficiary.updated",
            obj=locked,
            site=locked.site,
            payload={"fields": changed},
        )
    for name in (*changed, "search_key", "updated_at"):
        setattr(beneficiary, name, getattr(locked, name))
    return changed


def beneficiary_record_view(*, actor: Membership, beneficiary: Beneficiary) -> None:
    """Journal that someone opened a personal file (who, when, which file, which site)."""
    _require_role(actor, READ_ROLES)
    with transaction.atomic():
        record(
            actor=actor.user,
            action="beneficiary.viewed",
            obj=beneficiary,
            site=beneficiary.site,
            payload={"role": actor.role},
        )


# --- consents ------------------------------------------------------------------------------


def consent_give(*, actor: Membership, beneficiary: Beneficiary, kind: str) -> Consent:
    """The person agrees to one optional use; each use is a separate consent."""
    _require_role(actor, CONSENT_ROLES)
    _check_consent_kinds([kind])
    _check_visible(actor, beneficiary)
    with transaction.atomic():
        locked = _lock_active_file(beneficiary)
        if locked.consents.filter(kind=kind, withdrawn_at__isnull=True).exists():
            raise DomainError(_("La personne a déjà donné ce consentement."))
        consent = Consent(beneficiary=locked, kind=kind, given_at=clock.now())
        _full_clean(consent)
        consent.save()
        record(
            actor=actor.user,
            action="beneficiary.consent_given",
            obj=locked,
            site=locked.site,
            payload={"kind": kind, "consent": consent.pk},
        )
    return consent


def consent_withdraw(*, actor: Membership, beneficiary: Beneficiary, kind: str) -> Consent:
    """The person withdraws a consent: the row stays, with the date of withdrawal."""
    _require_role(actor, CONSENT_ROLES)
    _check_consent_kinds([kind])
    _check_visible(actor, beneficiary)
    with transaction.atomic():
        locked = _lock_active_file(beneficiary)
        consent = locked.consents.filter(kind=kind, withdrawn_at__isnull=True).first()
        if consent is None:
            raise DomainError(_("La personne n'a pas donné ce consentement : rien à retirer."))
        consent.withdrawn_at = clock.now()
        consent.save(update_fields=["withdrawn_at"])
        record(
            actor=actor.user,
            action="beneficiary.consent_withdrawn",
            obj=locked,
            site=locked.site,
            payload={"kind": kind, "consent": consent.pk},
        )
    return consent


# --- merge ---------------------------------------------------------------------------------


def _merge_consents(*, kept: Beneficiary, duplicate: Beneficiary, field: models.Field) -> int:
    """Move consents; where both files hold an active consent of one kind, the kept file's
    stays active and the duplicate's is moved closed at the merge time (one active per kind)."""
    active_on_kept = set(
        Consent.objects.filter(beneficiary=kept, withdrawn_at__isnull=True).values_list(
            "kind", flat=True
        )
    )
    Consent.objects.filter(
        beneficiary=duplicate, withdrawn_at__isnull=True, kind__in=active_on_kept
    ).update(withdrawn_at=clock.now())
    return Consent.objects.filter(beneficiary=duplicate).update(beneficiary=kept)


# Models whose rows cannot simply be re-pointed (a uniqueness rule) get a handler here; a
# model of another app can instead define ``merge_beneficiary(kept=, duplicate=, field=)``.
def _merge_periods(*, kept: Beneficiary, duplicate: Beneficiary, field) -> int:
    """Both files may have an open period (one open period per file): the kept file's stays
    open, the duplicate's ends on the day of the merge (or the day it opened), then every
    period follows the kept file."""
    periods = AccompanimentPeriod.objects.select_for_update()
    if periods.open().filter(beneficiary=kept).exists():
        for period in periods.open().filter(beneficiary=duplicate):
            period.closed_on = max(period.opened_on, clock.localdate())
            period.close_reason = PeriodCloseReason.OTHER
            period.close_note = str(_("Doublon fusionné dans un autre dossier."))
            period.save(update_fields=["closed_on", "close_reason", "close_note", "updated_at"])
    return periods.filter(beneficiary=duplicate).update(beneficiary=kept)


def _merge_households(*, kept: Beneficiary, duplicate: Beneficiary, field) -> int:
    """One person lives in one home: the kept file keeps its household; if it had none, it
    takes the duplicate's place in the duplicate's. The duplicate's stays are kept as history
    (re-pointed to the kept file) and its current one ends at the merge."""
    links = HouseholdMember.objects.select_for_update()
    if links.current().filter(beneficiary=kept).exists():
        links.current().filter(beneficiary=duplicate).update(left_at=clock.now())
    return links.filter(beneficiary=duplicate).update(beneficiary=kept)


MERGE_HANDLERS: dict[Any, Any] = {
    Consent: _merge_consents,
    AccompanimentPeriod: _merge_periods,
    HouseholdMember: _merge_households,
}


def _move_related(*, kept: Beneficiary, duplicate: Beneficiary) -> dict[str, int]:
    """Re-point every row of every model that links to the duplicate file to the kept one.

    Walks ``Beneficiary._meta.related_objects``, so the models that later features add
    (diagnostics, activities, sales…) follow without any change here.
    """
    moved: dict[str, int] = {}
    for relation in Beneficiary._meta.related_objects:
        model: Any = relation.related_model
        label = f"{model._meta.label_lower}.{relation.field.name}"
        handler = MERGE_HANDLERS.get(model) or getattr(model, "merge_beneficiary", None)
        if handler is not None:
            count = handler(kept=kept, duplicate=duplicate, field=relation.field)
        elif relation.many_to_many:
            count = _move_many_to_many(relation, kept=kept, duplicate=duplicate)
        elif relation.one_to_one:
            manager = model._base_manager
            if manager.filter(**{relation.field.name: kept}).exists():
                count = 0  # the kept file already has one: the duplicate's stays with it
            else:
                count = manager.filter(**{relation.field.name: duplicate}).update(
                    **{relation.field.name: kept}
                )
        else:
            count = model._base_manager.filter(**{relation.field.name: duplicate}).update(
                **{relation.field.name: kept}
            )
        if count:
            moved[label] = count
    return moved


def _move_many_to_many(relation, *, kept: Beneficiary, duplicate: Beneficiary) -> int:
    """Links through a many-to-many table: move those the kept file does not have yet."""
    through = relation.through
    own_fk = relation.field.m2m_reverse_field_name()
    other_fk = relation.field.m2m_field_name()
    already = through._base_manager.filter(**{own_fk: kept}).values_list(other_fk, flat=True)
    return (
        through._base_manager.filter(**{own_fk: duplicate})
        .exclude(**{f"{other_fk}__in": already})
        .update(**{own_fk: kept})
    )


def _fill_blanks(*, kept: Beneficiary, duplicate: Beneficiary) -> list[str]:
    """What the kept file lacks and the duplicate knows (nothing is lost)."""
    filled = []
    for name in _FILLABLE_ON_MERGE:
        if getattr(kept, name) in _EMPTY and getattr(duplicate, name) not in _EMPTY:
            setattr(kept, name, getattr(duplicate, name))
            filled.append(name)
    criteria = list(kept.eligibility_criteria)
    extra = [code for code in duplicate.eligibility_criteria if code not in criteria]
    if extra:
        kept.eligibility_criteria = criteria + extra
        filled.append("eligibility_criteria")
    if duplicate.last_contact_at and (
        kept.last_contact_at is None or duplicate.last_contact_at > kept.last_contact_at
    ):
        kept.last_contact_at = duplicate.last_contact_at
        filled.append("last_contact_at")
    return filled


def beneficiary_merge(
    *, actor: Membership, kept: Beneficiary, duplicate: Beneficiary, reason: str
) -> Beneficiary:
    """Merge ``duplicate`` into ``kept``: every linked record moves to ``kept``; the duplicate
    row stays stored with ``merged_into`` set, so nothing is lost and it can be traced."""
    _require_role(actor, MERGE_ROLES)
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Indiquez pourquoi ces deux dossiers sont la même personne."))
    try:
        reject_nir(reason)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    if kept.pk == duplicate.pk:
        raise DomainError(_("Un dossier ne peut pas être fusionné avec lui-même."))
    if kept.site.network_id != duplicate.site.network_id:
        raise DomainError(_("Ces deux dossiers appartiennent à des réseaux différents."))
    _check_visible(actor, kept)
    _check_visible(actor, duplicate)
    with transaction.atomic():
        locked = {
            file.pk: file
            for file in Beneficiary.objects.select_for_update()
            .select_related("site")
            .filter(pk__in=[kept.pk, duplicate.pk])
            .order_by("pk")
        }
        kept_row, duplicate_row = locked[kept.pk], locked[duplicate.pk]
        if duplicate_row.merged_into_id is not None:
            raise DomainError(_("Le doublon choisi a déjà été fusionné dans un autre dossier."))
        if kept_row.merged_into_id is not None:
            raise DomainError(
                _("Le dossier à conserver a lui-même été fusionné : choisissez le dossier actif.")
            )
        if kept_row.anonymised_at is not None or duplicate_row.anonymised_at is not None:
            raise DomainError(_("Un dossier anonymisé ne peut pas être fusionné."))
        try:
            with transaction.atomic():
                moved = _move_related(kept=kept_row, duplicate=duplicate_row)
        except IntegrityError as error:
            raise DomainError(
                _("La fusion est impossible : des informations des deux dossiers se contredisent.")
            ) from error
        filled = _fill_blanks(kept=kept_row, duplicate=duplicate_row)
        kept_row.search_key = search_key(kept_row.first_name, kept_row.last_name)
        _full_clean(kept_row)
        kept_row.save(update_fields=[*filled, "search_key", "updated_at"])
        duplicate_row.merged_into = kept_row
        duplicate_row.save(update_fields=["merged_into", "updated_at"])
        _mark_people(kept_row, duplicate_row)
        # Each app marks the figures drawn from the records of either file (decision 0055).
        hooks.announce(BENEFICIARY_MERGED, actor=actor, kept=kept_row, duplicate=duplicate_row)
        record(
            actor=actor.user,
            action="beneficiary.merged",
            obj=kept_row,
            site=kept_row.site,
            reason=reason,
            payload={
                "kept": kept_row.pk,
                "duplicate": duplicate_row.pk,
                "duplicate_file_number": duplicate_row.file_number,
                "moved": moved,
                "filled": filled,
            },
        )
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    return kept


# --- anonymisation ---------------------------------------------------------------------------

# What an anonymised file shows instead of a first name (the field is required).
ANONYMOUS_FIRST_NAME = "Anonyme"
# The fields of a file erased by an anonymisation. Kept: the site, the file number, the
# birth year (the statistics count age bands), the postal code and commune (the national
# activity export gives the place of residence), the situation, jobseeker, criteria,
# nationality and asylum codes, the notice and the dates: the figures are drawn from them.
_ERASED_ON_ANONYMISATION = {
    "first_name": ANONYMOUS_FIRST_NAME,
    "last_name": "",
    "phone": "",
    "email": "",
}


def _merged_files(file: Beneficiary) -> list[Beneficiary]:
    """The files merged into ``file``, and those merged into them (locked)."""
    found: list[Beneficiary] = []
    frontier = [file.pk]
    seen = {file.pk}
    while frontier:
        rows = list(
            Beneficiary.objects.select_for_update()
            .filter(merged_into_id__in=frontier)
            .exclude(pk__in=seen)
            .order_by("pk")
        )
        found.extend(rows)
        frontier = [row.pk for row in rows]
        seen.update(frontier)
    return found


def beneficiary_anonymise(*, actor: Membership, beneficiary: Beneficiary) -> Beneficiary:
    """Erase for good who the person is — names, phone, e-mail, the team's notes and the free
    text about them in every app (hook ``beneficiary.anonymised``) — and keep every record
    the statistics use: the file row and its site, activities, referrals, sales,
    diagnostics, modules, enrolments, surveys. Every figure stays the same (decision 0055).

    The files merged into this one (the same person) are erased with it. A merged-away
    file is refused (anonymise the kept one), and so is a file already anonymised.
    """
    _require_role(actor, ANONYMISE_ROLES)
    with transaction.atomic():
        locked = (
            Beneficiary.objects.select_for_update()
            .select_related("site")
            .filter(pk=beneficiary.pk)
            .first()
        )
        if locked is None:
            raise DomainError(_("Ce dossier n'existe plus."))
        if actor.role == Role.SITE_MANAGER and actor.organisation_id != locked.site_id:
            raise DomainError(_("Seul le responsable de l'espace du dossier peut l'anonymiser."))
        _check_visible(actor, locked)
        if locked.merged_into_id is not None:
            raise DomainError(
                _(
                    "Ce dossier a été fusionné dans un autre dossier : anonymisez le dossier "
                    "conservé, qui emporte celui-ci."
                )
            )
        if locked.anonymised_at is not None:
            raise DomainError(_("Ce dossier est déjà anonymisé."))
        files = [locked, *_merged_files(locked)]
        file_ids = [file.pk for file in files]
        now = clock.now()
        for file in files:
            for name, value in _ERASED_ON_ANONYMISATION.items():
                setattr(file, name, value)
            file.search_key = search_key(file.first_name, file.last_name)
            file.anonymised_at = now
            file.save(
                update_fields=[
                    *_ERASED_ON_ANONYMISATION,
                    "search_key",
                    "anonymised_at",
                    "updated_at",
                ]
            )
        notes = FileNote.objects.filter(beneficiary_id__in=file_ids).delete()[0]
        AccompanimentPeriod.objects.filter(beneficiary_id__in=file_ids).exclude(
            close_note=""
        ).update(close_note="")
        # The apps above erase their own free text and copies of the names and contacts.
        hooks.announce(BENEFICIARY_ANONYMISED, actor=actor, beneficiary=locked, file_ids=file_ids)
        _mark_people(*files)
        record(
            actor=actor.user,
            action="beneficiary.anonymised",
            obj=locked,
            site=locked.site,
            payload={
                "file_number": locked.file_number,
                "files": file_ids,
                "notes_erased": notes,
            },
        )
    beneficiary.refresh_from_db()
    return beneficiary


# --- referrals -----------------------------------------------------------------------------


def _active_file(beneficiary: Beneficiary) -> Beneficiary:
    """Follow merges to the file in use (a chain is short; guarded against loops)."""
    seen = set()
    while beneficiary.merged_into_id is not None and beneficiary.pk not in seen:
        seen.add(beneficiary.pk)
        beneficiary = Beneficiary.objects.select_related("site").get(pk=beneficiary.merged_into_id)
    return beneficiary


def beneficiary_for_referral(
    *, actor: Membership | User | None, referral, existing: Beneficiary | None = None
) -> Beneficiary:
    """The file of the person of ``referral``: ``existing`` (linked), or a new one created
    from the referral's person fields. Idempotent: a referral already linked keeps its file.

    Call it inside the referral transition's transaction (the "came" transition). The notice
    version is the one the referrer declared; without one, the current version is recorded
    as given today (the team gives the notice when the person comes).
    """
    if isinstance(actor, Membership):
        _require_role(actor, CREATE_ROLES)
    if referral.beneficiary_id is not None:
        return referral.beneficiary
    user = _journal_user(actor)
    with transaction.atomic():
        if existing is not None:
            target = _active_file(existing)
            if target.site.network_id != referral.site.network_id:
                raise DomainError(_("Ce dossier appartient à un autre réseau."))
            if isinstance(actor, Membership):
                _check_visible(actor, target)
            target.last_contact_at = clock.now()
            target.save(update_fields=["last_contact_at", "updated_at"])
            action, source = "beneficiary.linked", "existing"
        else:
            now = clock.now()
            # The referrer stated, when sending the referral, that the notice was given.
            declared_notice = bool(referral.notice_version and referral.submitted_at)
            data = _clean_data(
                {
                    "first_name": referral.first_name,
                    "last_name": referral.last_name,
                    "birth_year": referral.birth_year,
                    "phone": referral.phone,
                    "email": referral.email,
                    "preferred_channel": referral.preferred_channel,
                    "postal_code": referral.postal_code,
                    "commune": referral.commune,
                    "social_status": referral.social_status,
                    "is_jobseeker": referral.is_jobseeker,
                    "eligibility_criteria": referral.eligibility_criteria,
                    "notice_version": referral.notice_version or CURRENT_NOTICE_VERSION,
                    "notice_given_on": timezone.localdate(
                        referral.submitted_at if declared_notice else now
                    ),
                }
            )
            target = _new_file(site=referral.site, data=data, created_by=user, consents=[])
            action, source = "beneficiary.created", "referral"
        referral.beneficiary = target
        referral.save(update_fields=["beneficiary", "updated_at"])
        record(
            actor=user,
            action=action,
            obj=target,
            site=target.site,
            payload={"file_number": target.file_number, "source": source, "referral": referral.pk},
        )
    return target


# --- accompaniment periods -------------------------------------------------------------------


def _check_period_date(on, *, today) -> None:
    if on is None:
        raise DomainError(_("Indiquez la date de début de l'accompagnement."))
    if on > today:
        raise DomainError(_("La date de début de l'accompagnement ne peut pas être à venir."))
    if (today - on).days > PERIOD_BACKDATE_DAYS:
        raise DomainError(_("La date de début de l'accompagnement est trop ancienne."))


def accompaniment_period_open_if_none(
    *,
    actor: Membership,
    beneficiary: Beneficiary,
    site: Site,
    on,
    opened_by: str = PeriodOpening.FIRST_VISIT,
    opening_referral_id: int | None = None,
) -> tuple[AccompanimentPeriod, bool]:
    """The file's open period, opened on ``on`` at ``site`` if the file has none.

    Returns ``(period, created)``. Called when a person is recorded at a visit (activities),
    when a referral is consumed (the ``referral.consumed`` subscriber) and from the file page.
    The file's row is locked, and the one-open-period constraint is the last guard.
    """
    _require_role(actor, PERIOD_OPEN_ROLES)
    if opened_by not in PeriodOpening.values:
        raise DomainError(_("Origine de la période inconnue."))
    _check_period_date(on, today=clock.localdate())
    _check_visible(actor, beneficiary)
    if not Site.objects.visible_to(actor).filter(pk=site.pk).exists():
        raise DomainError(_("Vous ne pouvez pas agir pour cet espace."))
    with transaction.atomic():
        locked = _lock_active_file(beneficiary)
        if site.network_id != locked.site.network_id:
            raise DomainError(_("Ce dossier appartient à un autre réseau."))
        current = AccompanimentPeriod.objects.open().filter(beneficiary=locked).first()
        if current is not None:
            return current, False
        period = AccompanimentPeriod(
            beneficiary=locked,
            site=site,
            opened_on=on,
            opened_by=opened_by,
            opening_referral_id=opening_referral_id,
        )
        _full_clean(period, exclude=["beneficiary", "site"])
        try:
            with transaction.atomic():
                period.save()
        except IntegrityError as error:  # another request opened one meanwhile
            raise DomainError(_("Une période d'accompagnement est déjà ouverte.")) from error
        record(
            actor=actor.user,
            action="period.opened",
            obj=period,
            site=site,
            payload={
                "beneficiary": locked.pk,
                "opened_by": opened_by,
                "referral": opening_referral_id,
                "opened_on": on.isoformat(),
            },
        )
        hooks.announce(PERIOD_OPENED, actor=actor, period=period)
    return period, True


def accompaniment_period_open_by_own_diagnostic(
    *, beneficiary: Beneficiary
) -> tuple[AccompanimentPeriod, bool]:
    """The file's open period, opened today at the file's site by the person's own entry
    diagnostic (taken alone, signed in with their card) if the file has none.

    Returns ``(period, created)``. There is no staff actor: the journal entry has none and
    says it was opened by the diagnostic. The file's row is locked, and the one-open-period
    constraint is the last guard.
    """
    with transaction.atomic():
        locked = _lock_active_file(beneficiary)
        current = AccompanimentPeriod.objects.open().filter(beneficiary=locked).first()
        if current is not None:
            return current, False
        today = clock.localdate()
        period = AccompanimentPeriod(
            beneficiary=locked,
            site=locked.site,
            opened_on=today,
            opened_by=PeriodOpening.DIAGNOSTIC,
        )
        _full_clean(period, exclude=["beneficiary", "site"])
        try:
            with transaction.atomic():
                period.save()
        except IntegrityError:  # another request opened one meanwhile: join it
            return AccompanimentPeriod.objects.open().get(beneficiary=locked), False
        record(
            actor=None,
            action="period.opened",
            obj=period,
            site=locked.site,
            payload={
                "beneficiary": locked.pk,
                "opened_by": PeriodOpening.DIAGNOSTIC.value,
                "referral": None,
                "opened_on": today.isoformat(),
            },
        )
        hooks.announce(PERIOD_OPENED, actor=None, period=period)
    return period, True


def visits_record(*, actor: Membership, beneficiaries, site: Site, on) -> None:
    """These people came to ``site`` on ``on`` (an activity record): their last contact moves
    to that day when it is later, and a file with no open accompaniment period gets one,
    opened by this first visit. In the caller's transaction."""
    moment = (
        clock.now()
        if on == clock.localdate()
        else timezone.make_aware(datetime.combine(on, time(12)))
    )
    for beneficiary in beneficiaries:
        Beneficiary.objects.filter(pk=beneficiary.pk).filter(
            models.Q(last_contact_at__isnull=True) | models.Q(last_contact_at__lt=moment)
        ).update(last_contact_at=moment)
        accompaniment_period_open_if_none(actor=actor, beneficiary=beneficiary, site=site, on=on)


def _close_period(
    *, actor: Membership | None, period: AccompanimentPeriod, reason: str, note: str, on
) -> AccompanimentPeriod:
    """Close a locked open period (shared by the team's service and the idle job)."""
    period.closed_on = on
    period.close_reason = reason
    period.close_note = note
    period.closed_by = actor.user if actor is not None else None
    _full_clean(period, exclude=["beneficiary", "site", "closed_by"])
    period.save(
        update_fields=["closed_on", "close_reason", "close_note", "closed_by", "updated_at"]
    )
    record(
        actor=actor.user if actor is not None else None,
        action="period.closed",
        obj=period,
        site=period.site_id,
        payload={
            "beneficiary": period.beneficiary_id,
            "reason": reason,
            "automatic": actor is None,
        },
    )
    hooks.announce(PERIOD_CLOSED, actor=actor, period=period)
    return period


def accompaniment_period_close(
    *, actor: Membership, period: AccompanimentPeriod, reason: str, note: str = ""
) -> AccompanimentPeriod:
    """Close an open period with a reason from the closed list and an optional short note."""
    _require_role(actor, PERIOD_CLOSE_ROLES)
    if reason not in PeriodCloseReason.values:
        raise DomainError(_("Choisissez le motif de fin de l'accompagnement dans la liste."))
    note = " ".join((note or "").split())
    if reason == PeriodCloseReason.OTHER and not note:
        raise DomainError(_("Avec le motif « Autre », précisez en quelques mots."))
    _check_visible(actor, period.beneficiary)
    with transaction.atomic():
        locked = AccompanimentPeriod.objects.select_for_update().get(pk=period.pk)
        if not locked.is_open:
            raise DomainError(_("Cette période d'accompagnement est déjà fermée."))
        today = clock.localdate()
        _close_period(actor=actor, period=locked, reason=reason, note=note, on=today)
    return locked


def accompaniment_periods_close_idle(*, now) -> int:
    """Close, as "no longer reachable", the open periods of files without contact for
    ``PERIOD_IDLE_DAYS``. Run by the daily job; a second run finds nothing left to close."""
    today = clock.localdate()
    threshold = now - timedelta(days=PERIOD_IDLE_DAYS)
    idle = (
        AccompanimentPeriod.objects.open()
        .filter(opened_on__lte=today - timedelta(days=PERIOD_IDLE_DAYS))
        .filter(
            models.Q(beneficiary__last_contact_at__isnull=True)
            | models.Q(beneficiary__last_contact_at__lte=threshold)
        )
        .values_list("pk", flat=True)
    )
    closed = 0
    for pk in list(idle):
        with transaction.atomic():
            period = AccompanimentPeriod.objects.select_for_update().get(pk=pk)
            if not period.is_open:
                continue
            _close_period(
                actor=None,
                period=period,
                reason=PeriodCloseReason.UNREACHABLE,
                note=str(_("Fermée automatiquement : aucun contact depuis 6 mois.")),
                on=today,
            )
            closed += 1
    return closed


# --- notes ---------------------------------------------------------------------------------


def _check_note_reader(actor: Membership, beneficiary: Beneficiary) -> None:
    """Only the team of the site the file belongs to."""
    _require_role(actor, NOTE_ROLES)
    if actor.organisation_id != beneficiary.site_id:
        raise DomainError(_("Seule l'équipe de l'espace du dossier peut lire ses notes."))


def file_note_create(*, actor: Membership, beneficiary: Beneficiary, text: str) -> FileNote:
    """Add a note to a file; a social-security number in the text is refused."""
    _check_note_reader(actor, beneficiary)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Écrivez la note avant de l'enregistrer."))
    if len(text) > NOTE_MAX_LENGTH:
        raise DomainError(
            _("La note est trop longue : %(max)s caractères au plus.") % {"max": NOTE_MAX_LENGTH}
        )
    try:
        reject_nir(text)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    with transaction.atomic():
        locked = _lock_active_file(beneficiary)
        if locked.anonymised_at is not None:
            raise DomainError(_("Ce dossier est anonymisé : on n'y ajoute plus de note."))
        note = FileNote(beneficiary=locked, author=actor.user, text=text)
        _full_clean(note, exclude=["beneficiary", "author"])
        note.save()
        record(
            actor=actor.user,
            action="note.created",
            obj=note,
            site=locked.site_id,
            payload={"beneficiary": locked.pk},
        )
    return note


def file_notes_record_read(*, actor: Membership, beneficiary: Beneficiary, page: int) -> None:
    """Journal that someone read the notes of a file (which page)."""
    _check_note_reader(actor, beneficiary)
    with transaction.atomic():
        record(
            actor=actor.user,
            action="note.read",
            obj=beneficiary,
            site=beneficiary.site_id,
            payload={"page": page},
        )


# --- households ----------------------------------------------------------------------------

# The site team links the files of people who live together, at the counter (decision 0047):
# the same roles as those who may change a file.
HOUSEHOLD_ROLES = EDIT_ROLES


def _current_link(beneficiary: Beneficiary) -> HouseholdMember | None:
    return HouseholdMember.objects.current().filter(beneficiary=beneficiary).first()


def household_link(*, actor: Membership, beneficiary: Beneficiary, other: Beneficiary) -> Household:
    """Put two files in one household: a new one, or the one that either already belongs to.

    Refused when both already belong to two different households (one of them must be taken
    out first: the team decides who lives where, nothing is merged silently).
    """
    _require_role(actor, HOUSEHOLD_ROLES)
    if beneficiary.pk == other.pk:
        raise DomainError(_("Choisissez le dossier d'une autre personne."))
    _check_visible(actor, beneficiary)
    _check_visible(actor, other)
    with transaction.atomic():
        files = list(
            Beneficiary.objects.select_for_update()
            .select_related("site")
            .filter(pk__in=[beneficiary.pk, other.pk])
            .order_by("pk")
        )
        by_pk = {file.pk: file for file in files}
        first, second = by_pk[beneficiary.pk], by_pk[other.pk]
        if first.merged_into_id is not None or second.merged_into_id is not None:
            raise DomainError(
                _("Ce dossier a été fusionné dans un autre dossier : ouvrez le dossier conservé.")
            )
        if first.site.network_id != second.site.network_id:
            raise DomainError(_("Ces deux dossiers appartiennent à des réseaux différents."))
        links = {
            link.beneficiary_id: link
            for link in HouseholdMember.objects.select_for_update()
            .current()
            .filter(beneficiary__in=[first.pk, second.pk])
        }
        first_link, second_link = links.get(first.pk), links.get(second.pk)
        if first_link and second_link:
            if first_link.household_id == second_link.household_id:
                raise DomainError(_("Ces deux personnes font déjà partie du même foyer."))
            raise DomainError(
                _(
                    "Ces deux personnes font déjà partie de deux foyers différents : retirez "
                    "d'abord l'une d'elles de son foyer."
                )
            )
        now = clock.now()
        existing = first_link or second_link
        if existing is not None:
            household = Household.objects.select_for_update().get(pk=existing.household_id)
        else:
            household = Household(site=first.site)
            _full_clean(household)
            household.save()
        joining = [file for file in (first, second) if file.pk not in links]
        HouseholdMember.objects.bulk_create(
            [
                HouseholdMember(
                    household=household, beneficiary=file, joined_at=now, joined_by=actor.user
                )
                for file in joining
            ]
        )
        record(
            actor=actor.user,
            action="household.linked",
            obj=household,
            site=first.site,
            payload={
                "household": household.pk,
                "files": [first.pk, second.pk],
                "joined": [file.pk for file in joining],
            },
        )
    return household


def household_leave(*, actor: Membership, beneficiary: Beneficiary) -> None:
    """Take a file out of its household. A household left with one member ends (a household
    of one person is no household): that member's stay ends too."""
    _require_role(actor, HOUSEHOLD_ROLES)
    _check_visible(actor, beneficiary)
    with transaction.atomic():
        _lock_active_file(beneficiary)
        link = HouseholdMember.objects.select_for_update().current().filter(beneficiary=beneficiary)
        link = link.first()
        if link is None:
            raise DomainError(_("Cette personne ne fait partie d'aucun foyer."))
        household = Household.objects.select_for_update().get(pk=link.household_id)
        now = clock.now()
        link.left_at = now
        link.left_by = actor.user
        link.save(update_fields=["left_at", "left_by"])
        remaining = list(HouseholdMember.objects.current().filter(household=household))
        ended = len(remaining) == 1
        if ended:
            HouseholdMember.objects.filter(pk=remaining[0].pk).update(
                left_at=now, left_by=actor.user
            )
        record(
            actor=actor.user,
            action="household.left",
            obj=household,
            site=beneficiary.site,
            payload={"household": household.pk, "file": beneficiary.pk, "ended": ended},
        )
