from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import (
    ClosureReason,
    FunderKind,
    HabilitationStatus,
    OrganisationKind,
    PartnerKind,
    Role,
    Weekday,
)
from tisser.accounts.validators import (
    validate_postal_code,
    validate_services,
    validate_short_code,
    validate_siret,
)
from tisser.core import clock
from tisser.core.models import TimeStampedModel
from tisser.core.scoping import ScopedQuerySet
from tisser.core.tokens import row_secret


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address. Roles come from memberships."""

    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    # Only superusers reach the Django admin (a back office), never ordinary staff.
    is_staff = models.BooleanField(_("accès à l'administration technique"), default=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment,misc]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email


class OrganisationQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Organisation(TimeStampedModel):
    """The network itself, or one of its sites, partners or funders.

    Sites, partners and funders extend it (one table each) so that a membership can point
    at any kind of organisation and scoping has one path.
    """

    scope_path = ""

    kind = models.CharField(_("type"), max_length=16, choices=OrganisationKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    network = models.ForeignKey(
        "self",
        verbose_name=_("réseau"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": OrganisationKind.NETWORK},
    )
    email = models.EmailField(_("e-mail de contact"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values),
                name="organisation_kind_valid",
            ),
            # The network is the root; every other organisation belongs to one.
            models.CheckConstraint(
                condition=(Q(kind=OrganisationKind.NETWORK, network__isnull=True))
                | (~Q(kind=OrganisationKind.NETWORK) & Q(network__isnull=False)),
                name="organisation_network_root",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def specific(self):
        """The Site, Partner or Funder row behind this organisation (or itself)."""
        for attribute in ("site", "partner", "funder"):
            if self.kind == attribute:
                return getattr(self, attribute)
        return self


def default_what_to_bring() -> str:
    """What most visits need; a site manager adapts it to their own space."""
    return str(
        _(
            "Votre pièce d'identité, votre téléphone portable, les courriers ou papiers de "
            "votre démarche, et vos identifiants (adresse e-mail, mots de passe) si vous les avez."
        )
    )


class Site(Organisation):
    """An espace de solidarité numérique."""

    short_code = models.CharField(
        _("code court"), max_length=10, unique=True, validators=[validate_short_code]
    )
    # The establishment's SIRET: the « pivot » of the national places standard (issue 16).
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    address = models.CharField(_("adresse"), max_length=255)
    postal_code = models.CharField(
        _("code postal"), max_length=5, validators=[validate_postal_code]
    )
    city = models.CharField(_("commune"), max_length=120)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    accessibility_notes = models.TextField(_("accessibilité"), blank=True)
    description = models.TextField(_("présentation"), blank=True, max_length=2000)
    what_to_bring = models.TextField(
        _("ce qu'il faut apporter"),
        blank=True,
        max_length=1000,
        default=default_what_to_bring,
    )
    services = models.JSONField(
        _("services proposés"), default=list, blank=True, validators=[validate_services]
    )
    # Booking settings, chosen by the site manager.
    appointment_minutes = models.PositiveSmallIntegerField(
        _("durée d'un rendez-vous (minutes)"),
        default=30,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    appointment_capacity = models.PositiveSmallIntegerField(
        _("rendez-vous individuels en même temps"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )

    class Meta:
        verbose_name = _("espace")
        verbose_name_plural = _("espaces")
        ordering = ["city", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | (Q(latitude__gte=-90) & Q(latitude__lte=90)),
                name="site_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True)
                | (Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="site_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(appointment_minutes__gte=10, appointment_minutes__lte=240),
                name="site_appointment_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(appointment_capacity__gte=1, appointment_capacity__lte=20),
                name="site_appointment_capacity_range",
            ),
        ]

    def save(self, *args, **kwargs):
        self.kind = OrganisationKind.SITE
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("website:site_detail", kwargs={"short_code": self.short_code.lower()})


class OpeningHours(models.Model):
    """One opening slot of a site on a weekday (a day can have a morning and an afternoon)."""

    site = models.ForeignKey(
        Site, verbose_name=_("espace"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    opens_at = models.TimeField(_("ouverture"))
    closes_at = models.TimeField(_("fermeture"))

    class Meta:
        verbose_name = _("horaire d'ouverture")
        verbose_name_plural = _("horaires d'ouverture")
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="opening_hours_order"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday"
            ),
            models.UniqueConstraint(
                fields=["site", "weekday", "opens_at"], name="opening_hours_unique_slot"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ClosureQuerySet(ScopedQuerySet):
    def overlapping(self, first_day, last_day):
        """The closures that cover at least one day of ``first_day``..``last_day``."""
        return self.filter(starts_on__lte=last_day, ends_on__gte=first_day)


class Closure(TimeStampedModel):
    """An exceptional closure of a site, whole days from ``starts_on`` to ``ends_on``."""

    scope_path = "site"

    site = models.ForeignKey(
        Site, verbose_name=_("espace"), on_delete=models.CASCADE, related_name="closures"
    )
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    reason = models.CharField(_("motif"), max_length=16, choices=ClosureReason.choices)

    objects = ClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("fermeture exceptionnelle")
        verbose_name_plural = _("fermetures exceptionnelles")
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["site", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="closure_dates_order"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ClosureReason.values), name="closure_reason_valid"
            ),
        ]

    def __str__(self):
        return f"{self.site_id}: {self.starts_on}–{self.ends_on} ({self.reason})"


class Partner(Organisation):
    """A prescriber: a social partner whose referrers send bons d'orientation."""

    partner_kind = models.CharField(
        _("type de partenaire"), max_length=16, choices=PartnerKind.choices
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    territory = models.CharField(_("territoire"), max_length=200, blank=True)
    habilitation_status = models.CharField(
        _("habilitation"),
        max_length=16,
        choices=HabilitationStatus.choices,
        default=HabilitationStatus.NOT_SET,
    )

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(habilitation_status__in=HabilitationStatus.values),
                name="partner_habilitation_valid",
            ),
            models.CheckConstraint(
                condition=Q(partner_kind__in=PartnerKind.values), name="partner_kind_valid"
            ),
        ]

    def save(self, *args, **kwargs):
        self.kind = OrganisationKind.PARTNER
        super().save(*args, **kwargs)


class Funder(Organisation):
    """A funder or an in-kind donor; its members read aggregated, anonymous figures only."""

    funder_kind = models.CharField(
        _("type de financeur"), max_length=32, choices=FunderKind.choices
    )
    is_donor = models.BooleanField(_("fait des dons en nature"), default=False)

    class Meta:
        verbose_name = _("financeur")
        verbose_name_plural = _("financeurs")
        ordering = ["name"]

    def save(self, *args, **kwargs):
        self.kind = OrganisationKind.FUNDER
        super().save(*args, **kwargs)


class MembershipQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class Membership(TimeStampedModel):
    scope_path = "organisation"

    user = models.ForeignKey(
        User, verbose_name=_("utilisateur"), on_delete=models.PROTECT, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("actif"), default=True)
    deactivated_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["organisation__name", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_one_per_organisation"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.organisation})"

    def clean(self):
        super().clean()
        if (
            self.organisation_id
            and self.role
            and not membership_role_fits(self.role, self.organisation.kind)
        ):
            raise ValidationError({"role": _("Ce rôle ne convient pas à ce type d'organisation.")})


def invitation_token(invitation) -> str:
    """The link's secret, derived from the saved invitation and SECRET_KEY.

    Like Django's password-reset tokens: the e-mail task rebuilds it when it sends (nothing
    secret is queued or stored in clear), and the database keeps only its hash, so a copy of
    the database without the key holds no usable link.
    """
    return row_secret("tisser.accounts.invitation", invitation, invitation.email).hex()


class InvitationQuerySet(ScopedQuerySet):
    def pending(self, now=None):
        now = now or clock.now()
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(TimeStampedModel):
    """A one-time link, sent by e-mail, to join an organisation with a role.

    Only a hash of the token is stored (see ``invitation_token``), so a database leak does
    not leak usable links.
    """

    scope_path = "organisation"

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expire le"))
    invited_by = models.ForeignKey(
        User, verbose_name=_("invité par"), on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    def is_usable(self, now=None) -> bool:
        now = now or clock.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


def membership_role_fits(role: str, organisation_kind: str) -> bool:
    from tisser.accounts.enums import ROLES_BY_KIND

    return role in ROLES_BY_KIND.get(organisation_kind, ())
