"""Training programmes, their cohorts and sessions, one-off workshops and their
registrations, attendance, and the satisfaction and outcome surveys.

A programme is the network's plan (the 32-hour jobseekers' programme: its sessions, its
hours, its target); a cohort runs it at a site on dates generated from the plan; people are
enrolled in a cohort (or wait for a seat); the roll call of a session records attendance
and creates or updates exactly one collective activity record of the national vocabulary
(``activities.Activity``). A workshop is a one-off collective session with registrations
by first name and phone. See docs/decisions/0054-training.md.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import OrganisationKind
from tisser.activities.enums import Theme, WorkshopLevel
from tisser.core.models import TimeStampedModel
from tisser.core.scoping import ScopedQuerySet
from tisser.core.validators import reject_nir
from tisser.training.enums import (
    DEFAULT_COMPLETION_PERCENT,
    MAX_CAPACITY,
    MAX_SESSION_MINUTES,
    AttendanceStatus,
    DropReason,
    EnrolmentStatus,
    RegistrationStatus,
    SessionDiagnostic,
    SurveyChannel,
    SurveyKind,
)


class Programme(TimeStampedModel):
    """A training programme of the network: its objective, hours, plan and target."""

    # Site teams read their network's programmes through their cohorts; the referring
    # partner and the convention's funder see figures (reporting), not the programme's rows.
    scope_path = "network"

    network = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("réseau"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.NETWORK},
    )
    name = models.CharField(_("nom"), max_length=200, validators=[reject_nir])
    objective = models.TextField(
        _("objectif en mots simples"), max_length=1000, validators=[reject_nir]
    )
    # The programme's total, in minutes (32 h = 1,920); the plan's sessions add up to it.
    total_minutes = models.PositiveIntegerField(
        _("durée totale (minutes)"), validators=[MinValueValidator(30)]
    )
    target_participants = models.PositiveIntegerField(
        _("objectif de participants"), validators=[MinValueValidator(1)]
    )
    starts_on = models.DateField(_("début de la période"))
    ends_on = models.DateField(_("fin de la période"))
    eligible_public = models.CharField(
        _("public concerné"), max_length=300, validators=[reject_nir]
    )
    partner = models.ForeignKey(
        "accounts.Partner",
        verbose_name=_("partenaire prescripteur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    convention = models.ForeignKey(
        "funding.Convention",
        verbose_name=_("convention de financement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("part des heures pour l'attestation (%)"),
        default=DEFAULT_COMPLETION_PERCENT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    is_active = models.BooleanField(_("actif"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="programme_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(completion_percent__gte=1, completion_percent__lte=100),
                name="programme_completion_percent_bounded",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeSession(models.Model):
    """One session of a programme's plan: what it holds, how long, in which order."""

    scope_path = "programme__network"

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="plan"
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    title = models.CharField(_("titre"), max_length=200, validators=[reject_nir])
    duration_minutes = models.PositiveSmallIntegerField(
        _("durée (minutes)"),
        validators=[MinValueValidator(15), MaxValueValidator(MAX_SESSION_MINUTES)],
    )
    content = models.TextField(_("contenu"), max_length=2000, blank=True, validators=[reject_nir])
    # The entry diagnostic at the first session, the exit one at the last.
    diagnostic = models.CharField(
        _("diagnostic"), max_length=8, choices=SessionDiagnostic.choices, blank=True
    )
    # Keys of learning modules (content/modules/<key>.json) to do during and after it.
    modules = models.JSONField(_("modules"), default=list, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance du programme")
        verbose_name_plural = _("séances du programme")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"], name="programme_session_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(diagnostic__in=SessionDiagnostic.values),
                name="programme_session_diagnostic_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} #{self.position}: {self.title}"


class Cohort(TimeStampedModel):
    """A programme run at a site: its trainers, room, capacity and generated schedule."""

    scope_path = "site"

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="cohorts"
    )
    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("espace"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("nom du groupe"), max_length=120, validators=[reject_nir])
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("formateurs"), related_name="+"
    )
    room = models.CharField(_("salle"), max_length=120, blank=True, validators=[reject_nir])
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    # How the schedule was generated: the first day, the weekdays (0 = Monday) and the hour
    # sessions start. Sessions are rows of CohortSession (a session can then be moved).
    starts_on = models.DateField(_("premier jour"))
    weekdays = models.JSONField(_("jours des séances"), default=list)
    start_time = models.TimeField(_("heure de début"))
    # Set when the last session's roll call is taken, or by hand: surveys and certificates.
    closed_on = models.DateField(_("terminé le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("groupe de formation")
        verbose_name_plural = _("groupes de formation")
        ordering = ["-starts_on", "name"]
        indexes = [models.Index(fields=["site", "-starts_on"], name="cohort_site_newest")]

    def __str__(self) -> str:
        return self.name


class CohortSession(TimeStampedModel):
    """A dated session of a cohort, from one session of the programme's plan."""

    scope_path = "cohort__site"

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("groupe"), on_delete=models.CASCADE, related_name="sessions"
    )
    plan = models.ForeignKey(
        ProgrammeSession, verbose_name=_("séance du programme"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    room = models.CharField(_("salle"), max_length=120, blank=True, validators=[reject_nir])
    # The generated start when the session was moved (shown « déplacée du … »).
    moved_from = models.DateTimeField(_("date prévue au départ"), null=True, blank=True)
    roll_call_at = models.DateTimeField(_("appel fait le"), null=True, blank=True)
    # The collective activity record the roll call created (exactly one per session).
    activity = models.OneToOneField(
        "activities.Activity",
        verbose_name=_("activité"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"], name="cohort_session_start")]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "plan"], name="cohort_session_once"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="cohort_session_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id} @ {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Enrolment(TimeStampedModel):
    """A person in a cohort: enrolled, on the waiting list, or dropped out."""

    scope_path = "cohort__site"
    # The partner who referred the person sees their enrolment (names, hours, certificate).
    extra_scope_paths = ("referral__partner",)

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("groupe"), on_delete=models.PROTECT, related_name="enrolments"
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        verbose_name=_("bon d'orientation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("statut"), max_length=12, choices=EnrolmentStatus.choices)
    # The waiting list moves up in the order people joined it.
    waiting_since = models.DateTimeField(_("en attente depuis"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("inscrit le"), null=True, blank=True)
    dropped_on = models.DateField(_("abandon le"), null=True, blank=True)
    drop_reason = models.CharField(
        _("motif d'abandon"), max_length=16, choices=DropReason.choices, blank=True
    )
    drop_note = models.CharField(
        _("précision"), max_length=300, blank=True, validators=[reject_nir]
    )
    # The certificate of completion, once issued (its number is printed on it).
    certificate_number = models.CharField(_("numéro d'attestation"), max_length=32, blank=True)
    certificate_issued_at = models.DateTimeField(
        _("attestation délivrée le"), null=True, blank=True
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["cohort", "status", "waiting_since", "pk"]
        indexes = [
            models.Index(fields=["cohort", "status", "waiting_since"], name="enrolment_list"),
            models.Index(fields=["beneficiary"], name="enrolment_person"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "beneficiary"],
                condition=~Q(status=EnrolmentStatus.DROPPED),
                name="enrolment_once_per_cohort",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EnrolmentStatus.values), name="enrolment_status_valid"
            ),
            # Dropped <=> a date and a reason from the list.
            models.CheckConstraint(
                condition=(
                    Q(status=EnrolmentStatus.DROPPED)
                    & Q(dropped_on__isnull=False)
                    & Q(drop_reason__in=DropReason.values)
                )
                | (
                    ~Q(status=EnrolmentStatus.DROPPED)
                    & Q(dropped_on__isnull=True)
                    & Q(drop_reason="")
                ),
                name="enrolment_dropped_has_reason",
            ),
            # Each certificate of completion has its own number (helper R, migration 0002).
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~Q(certificate_number=""),
                name="enrolment_certificate_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id}: {self.beneficiary_id} ({self.status})"


class Attendance(models.Model):
    """One person's presence at one session, from the roll call."""

    scope_path = "session__cohort__site"

    session = models.ForeignKey(
        CohortSession, verbose_name=_("séance"), on_delete=models.CASCADE,
        related_name="attendances",
    )  # fmt: skip
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("inscription"), on_delete=models.CASCADE,
        related_name="attendances",
    )  # fmt: skip
    status = models.CharField(_("présence"), max_length=8, choices=AttendanceStatus.choices)
    # Late arrival or early leave: the minutes missed, taken off the hours attended.
    minutes_missed = models.PositiveSmallIntegerField(_("minutes manquées"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("noté le"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once"),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=AttendanceStatus.LATE) | Q(minutes_missed=0),
                name="attendance_minutes_only_when_late",
            ),
        ]
        indexes = [models.Index(fields=["enrolment", "session"], name="attendance_person")]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.enrolment_id}: {self.status}"


class Workshop(TimeStampedModel):
    """A one-off collective workshop at a site, outside any programme."""

    scope_path = "site"

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("espace"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("titre"), max_length=200, validators=[reject_nir])
    theme = models.CharField(_("thématique"), max_length=40, choices=Theme.choices)
    level = models.CharField(_("niveau"), max_length=16, choices=WorkshopLevel.choices)
    description = models.TextField(
        _("ce qu'on y fait, en mots simples"), max_length=1000, blank=True,
        validators=[reject_nir],
    )  # fmt: skip
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=200, blank=True, validators=[reject_nir])
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    # Shown on the space's public page and the network's public agenda.
    is_public = models.BooleanField(_("visible sur l'agenda public"), default=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("animateur"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    roll_call_at = models.DateTimeField(_("appel fait le"), null=True, blank=True)
    activity = models.OneToOneField(
        "activities.Activity",
        verbose_name=_("activité"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["site", "starts_at"], name="workshop_site_start"),
            models.Index(
                fields=["starts_at"],
                name="workshop_public_start",
                condition=Q(is_public=True, cancelled_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="workshop_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} @ {self.starts_at:%Y-%m-%d %H:%M}"


class WorkshopRegistration(TimeStampedModel):
    """A seat at a workshop: a first name and a phone (online), or a file (by a mediator)."""

    scope_path = "workshop__site"

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("atelier"), on_delete=models.CASCADE,
        related_name="registrations",
    )  # fmt: skip
    first_name = models.CharField(_("prénom"), max_length=60, validators=[reject_nir])
    # International format (+33…); empty when a mediator registered a file without a phone.
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("statut"), max_length=12, choices=RegistrationStatus.choices)
    waiting_since = models.DateTimeField(_("en attente depuis"), null=True, blank=True)
    # The hash of the token in the SMS's cancellation link (the token itself is never kept).
    cancel_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inscrit par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )  # None: the person registered online
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    # From the roll call: True came, False did not, None not called yet.
    attended = models.BooleanField(_("venu"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription à un atelier")
        verbose_name_plural = _("inscriptions à un atelier")
        ordering = ["workshop", "status", "waiting_since", "pk"]
        indexes = [
            models.Index(fields=["workshop", "status"], name="registration_list"),
            models.Index(fields=["phone", "created_at"], name="registration_phone_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values),
                name="registration_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(phone="") | Q(beneficiary__isnull=False),
                name="registration_reachable_or_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop_id}: {self.first_name} ({self.status})"


class SurveyInvitation(TimeStampedModel):
    """A one-time invitation to a survey, for one enrolment or one accompaniment period.

    The response (SurveyResponse) is never linked to the invitation: when the person chooses
    anonymity nothing ties their answers to them; ``used_at`` only says the invitation was
    used, so that there is one answer per enrolment or period.
    """

    scope_path = "site"

    kind = models.CharField(_("questionnaire"), max_length=16, choices=SurveyKind.choices)
    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("espace"), on_delete=models.PROTECT, related_name="+"
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary", verbose_name=_("dossier"), on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    period = models.ForeignKey(
        "beneficiaries.AccompanimentPeriod",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    used_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation à un questionnaire")
        verbose_name_plural = _("invitations à un questionnaire")
        constraints = [
            models.CheckConstraint(
                condition=(Q(enrolment__isnull=False) & Q(period__isnull=True))
                | (Q(enrolment__isnull=True) & Q(period__isnull=False)),
                name="survey_invitation_one_subject",
            ),
            models.UniqueConstraint(
                fields=["kind", "enrolment"],
                condition=Q(enrolment__isnull=False),
                name="survey_invitation_once_per_enrolment",
            ),
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=Q(period__isnull=False),
                name="survey_invitation_once_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class SurveyResponse(models.Model):
    """The answers to one survey: satisfaction (smiley scale) or outcome (three questions).

    ``beneficiary`` is empty when the person chose anonymity; the site, programme and cohort
    stay for the figures. ``overall`` is the answer to the overall question (1 to 5) of a
    satisfaction survey: « satisfait » is 4, « très satisfait » 5.
    """

    scope_path = "site"

    kind = models.CharField(_("questionnaire"), max_length=16, choices=SurveyKind.choices)
    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("espace"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("dossier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_on = models.DateField(_("répondu le"))
    channel = models.CharField(_("comment"), max_length=8, choices=SurveyChannel.choices)
    # {question code: value}; the questions are in training/surveys.py.
    answers = models.JSONField(_("réponses"), default=dict)
    overall = models.PositiveSmallIntegerField(
        _("avis d'ensemble"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )  # fmt: skip

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("réponse à un questionnaire")
        verbose_name_plural = _("réponses à un questionnaire")
        ordering = ["-answered_on", "-pk"]
        indexes = [
            models.Index(fields=["kind", "site", "answered_on"], name="survey_response_site"),
            models.Index(fields=["programme", "kind"], name="survey_response_programme"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__isnull=True) | Q(overall__gte=1, overall__lte=5),
                name="survey_response_overall_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.answered_on})"
