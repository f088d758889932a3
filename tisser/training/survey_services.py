"""Survey invitations and answers (helper S, issue 15; docs/decisions/0054-training.md).

An invitation is one-time: one per (kind, enrolment) or (kind, period), by the database's
unique constraints, so the hook, the daily job and a second run never make two. Its link
holds a token derived from the saved row and the secret key (like the staff invitations of
accounts): the message task rebuilds it when it sends, and the database keeps only its
sha256, so nothing secret is queued or stored.

Answering saves one ``SurveyResponse`` and marks the invitation used, under a row lock: a
second submit finds it used. The response is never linked to the invitation; when the
person answers without their name its ``beneficiary`` is empty, its date is the day only,
and the invitation's ``used_at`` is the start of that day, so the order in which
invitations were used cannot be matched with the responses' ids.
"""

from __future__ import annotations

import base64
import datetime
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tisser.accounts.models import Membership
from tisser.beneficiaries.enums import PeriodCloseReason
from tisser.core import clock
from tisser.core.journal import record
from tisser.core.tokens import row_secret, token_hash
from tisser.notifications.models import RecipientKind
from tisser.notifications.services import notify
from tisser.training import figures_marks
from tisser.training.enums import EnrolmentStatus, SurveyChannel, SurveyKind
from tisser.training.models import Cohort, Enrolment, SurveyInvitation, SurveyResponse
from tisser.training.surveys import OVERALL, questions_for

INVITATION_VALID_DAYS = 30
TOKEN_BYTES = 15  # 120 bits, 20 characters in the link
MESSAGE_TEMPLATES = {
    SurveyKind.SATISFACTION: "training_survey_person",
    SurveyKind.OUTCOME: "training_outcome_person",
}
# A period the idle job closed (nobody came for six months) gets no survey.
NO_SURVEY_REASONS = (PeriodCloseReason.UNREACHABLE,)


class InvitationUsed(Exception):
    """The invitation was answered already: « Vous avez déjà répondu, merci »."""


class InvitationGone(Exception):
    """No such invitation, or expired: the link no longer works."""


# --- Tokens and links -----------------------------------------------------------------------


def survey_token(invitation: SurveyInvitation) -> str:
    """The link's secret, rebuilt from the saved invitation and SECRET_KEY."""
    digest = row_secret("tisser.training.survey", invitation, invitation.kind)
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode()


def survey_path(invitation: SurveyInvitation) -> str:
    return reverse("surveys:answer", kwargs={"token": survey_token(invitation)})


def survey_link(invitation: SurveyInvitation) -> str:
    """The short link of the SMS: ``https://…/avis/<token>/``."""
    return (settings.PUBLIC_BASE_URL or "").rstrip("/") + survey_path(invitation)


def invitation_by_token(token: str, *, lock: bool = False) -> SurveyInvitation:
    """The usable invitation of a token; InvitationGone or InvitationUsed otherwise."""
    if not token or len(token) > 64:
        raise InvitationGone
    rows = SurveyInvitation.objects.select_related("site", "enrolment__cohort", "period")
    if lock:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise InvitationGone
    if invitation.used_at is not None:
        raise InvitationUsed
    if invitation.expires_at <= clock.now():
        raise InvitationGone
    return invitation


def is_open(invitation: SurveyInvitation, now=None) -> bool:
    now = now or clock.now()
    return invitation.used_at is None and invitation.expires_at > now


# --- Invitations ----------------------------------------------------------------------------


def _invite(
    *, actor: Membership | None, kind: str, site, beneficiary, enrolment=None, period=None
) -> SurveyInvitation | None:
    """Create and send one invitation, or return the existing one (never two)."""
    if beneficiary.merged_into_id is not None:
        return None
    subject = {"enrolment": enrolment} if enrolment is not None else {"period": period}
    existing = SurveyInvitation.objects.filter(kind=kind, **subject).first()
    if existing is not None:
        return existing
    now = clock.now()
    action = "training.survey_invited_satisfaction"
    if kind == SurveyKind.OUTCOME:
        action = "training.survey_invited_outcome"
    try:
        with transaction.atomic():
            invitation = SurveyInvitation(
                kind=kind,
                site=site,
                beneficiary=beneficiary,
                # Unusable until the real hash below: the token derives from the saved row.
                token_hash=secrets.token_hex(32),
                expires_at=now + datetime.timedelta(days=INVITATION_VALID_DAYS),
                sent_at=now,
                **subject,
            )
            invitation.save()
            invitation.token_hash = token_hash(survey_token(invitation))
            invitation.save(update_fields=["token_hash"])
            record(
                actor=actor.user if actor is not None else None,
                action=action,
                obj=invitation,
                site=site,
                payload={"beneficiary": beneficiary.pk},
            )
            # The message leaves after the commit; the same event never sends twice.
            notify(
                event_key=f"training_survey:{invitation.pk}",
                template=MESSAGE_TEMPLATES[kind],
                recipient_kind=RecipientKind.PERSON,
                subject=invitation,
                site=site,
            )
    except IntegrityError:
        # Another run (the hook and the job at once) created it first.
        return SurveyInvitation.objects.filter(kind=kind, **subject).first()
    return invitation


def survey_invite_enrolment(
    *, enrolment: Enrolment, actor: Membership | None = None, kind: str = SurveyKind.SATISFACTION
) -> SurveyInvitation | None:
    """Invite an enrolled person of a closed cohort (None: not enrolled, or a merged file)."""
    if enrolment.status != EnrolmentStatus.ENROLLED:
        return None
    cohort = enrolment.cohort
    if cohort.closed_on is None or cohort.cancelled_at is not None:
        return None
    return _invite(
        actor=actor,
        kind=kind,
        site=cohort.site,
        beneficiary=enrolment.beneficiary,
        enrolment=enrolment,
    )


def survey_invite_cohort(
    *, cohort: Cohort, actor: Membership | None = None
) -> list[SurveyInvitation]:
    """Invite every enrolled person of a closed cohort (the ``cohort.closed`` hook and the
    daily job call it; idempotent)."""
    enrolments = Enrolment.objects.filter(
        cohort=cohort, status=EnrolmentStatus.ENROLLED
    ).select_related("beneficiary", "cohort__site")
    invited = [survey_invite_enrolment(enrolment=e, actor=actor) for e in enrolments]
    return [invitation for invitation in invited if invitation is not None]


def survey_invite_period(
    *, period, actor: Membership | None = None, kind: str = SurveyKind.SATISFACTION
) -> SurveyInvitation | None:
    """Invite the person of a closed accompaniment period (the ``period.closed`` hook)."""
    if period.closed_on is None or period.close_reason in NO_SURVEY_REASONS:
        return None
    return _invite(
        actor=actor, kind=kind, site=period.site, beneficiary=period.beneficiary, period=period
    )


def cohorts_to_invite(today: datetime.date):
    """Closed cohorts (not cancelled) with an enrolled person not yet invited."""
    invited = SurveyInvitation.objects.filter(
        kind=SurveyKind.SATISFACTION, enrolment__isnull=False
    ).values("enrolment")
    pending = Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED).exclude(pk__in=invited)
    return Cohort.objects.filter(
        closed_on__isnull=False,
        closed_on__lte=today,
        # Within the invitation's life: a cohort closed long ago is not surveyed late.
        closed_on__gte=today - datetime.timedelta(days=INVITATION_VALID_DAYS),
        cancelled_at__isnull=True,
        pk__in=pending.values("cohort"),
    ).order_by("pk")


def send_cohort_invitations(now: datetime.datetime) -> dict[str, int]:
    """The daily job: catch up the cohorts whose close did not invite everyone."""
    created = 0
    for cohort in cohorts_to_invite(timezone.localdate(now)):
        before = SurveyInvitation.objects.filter(enrolment__cohort=cohort).count()
        survey_invite_cohort(cohort=cohort)
        created += SurveyInvitation.objects.filter(enrolment__cohort=cohort).count() - before
    return {"invitations": created}


# --- Answering ------------------------------------------------------------------------------


def survey_answer(
    *, token: str, answers: dict, anonymous: bool, channel: str = SurveyChannel.PHONE
) -> SurveyResponse:
    """Save the answers of one invitation and mark it used, once.

    ``answers`` must hold every question of its kind (``surveys.parse_answers``). Raises
    InvitationUsed on a second submit, InvitationGone for an unknown or expired token.
    """
    if channel not in SurveyChannel.values:
        raise ValueError(f"Unknown channel {channel!r}")
    with transaction.atomic():
        invitation = invitation_by_token(token, lock=True)
        codes = [question.code for question in questions_for(invitation.kind)]
        if sorted(answers) != sorted(codes):
            raise ValueError("Every question needs an answer")
        today = clock.localdate()
        cohort = invitation.enrolment.cohort if invitation.enrolment_id else None
        response = SurveyResponse.objects.create(
            kind=invitation.kind,
            site=invitation.site,
            cohort=cohort,
            programme_id=cohort.programme_id if cohort is not None else None,
            beneficiary_id=None if anonymous else invitation.beneficiary_id,
            answered_on=today,
            channel=channel,
            answers={code: answers[code] for code in codes},
            overall=answers.get(OVERALL) if invitation.kind == SurveyKind.SATISFACTION else None,
        )
        # The day only (see the module's docstring).
        # The day only (see the module's docstring); ``updated_at`` is left as it was.
        used_at = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
        SurveyInvitation.objects.filter(pk=invitation.pk).update(used_at=used_at)
        if cohort is not None:
            figures_marks.mark_cohort(cohort, today)
        else:
            figures_marks.mark_days(invitation.site_id, today)
    return response
