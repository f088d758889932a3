from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisser.core.clock import ClockDateTimeField
from tisser.core.models import TimeStampedModel
from tisser.core.scoping import ScopedQuerySet


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    # The person asked to be called: no message is sent, the site's team calls them.
    CALL = "call", _("Appel par l'espace")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    # Committed before the provider is called: a row left here (the worker stopped while
    # sending) may or may not have gone out, so it is shown to staff and never resent blindly.
    SENDING = "sending", _("Envoi non confirmé : vérifiez avant de renvoyer")
    SENT = "sent", _("Envoyé")
    # From the SMS provider's delivery reports.
    DELIVERED = "delivered", _("Reçu sur le téléphone")
    UNDELIVERED = "undelivered", _("Non remis par l'opérateur")
    FAILED = "failed", _("Échec")
    OPTED_OUT = "opted_out", _("Non envoyé : la personne a refusé ce canal")
    NO_ADDRESS = "no_address", _("Non envoyé : pas de coordonnées")
    TO_CALL = "to_call", _("Pas de message : l'espace appelle la personne")


class RecipientKind(models.TextChoices):
    PERSON = "person", _("La personne")
    REFERRER = "referrer", _("Le prescripteur")
    SITE_TEAM = "site_team", _("L'équipe de l'espace")
    SITE_MANAGERS = "site_managers", _("Les responsables de l'espace")
    INVITEE = "invitee", _("La personne invitée")


PROVIDER_REFERENCE_PREFIX = "tisser-"


class NotificationQuerySet(ScopedQuerySet):
    def about(self, subject_type: str, subject_ids):
        """Messages whose subject is one of ``subject_ids`` (a list or a subquery)."""
        return self.filter(subject_type=subject_type, subject_id__in=subject_ids)

    def unconfirmed(self):
        """Messages whose sending began and never finished: staff check them by hand."""
        return self.filter(status=DeliveryStatus.SENDING)


class Notification(TimeStampedModel):
    """A record of one message: who, when, which template, status — never the message body.

    ``event_key`` is unique, so one event never produces the same message twice, even if
    the task runs again after a crash or a retry. The message is about a subject of another
    app (a referral, an invitation), named by ``subject_type`` ("referrals.referral") and
    ``subject_id``: notifications know no domain model (see notifications.kinds).
    """

    scope_path = "site"

    site = models.ForeignKey(
        "accounts.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event_key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(_("canal"), max_length=8, choices=Channel.choices)
    template = models.CharField(_("modèle"), max_length=100)
    recipient_kind = models.CharField(
        _("destinataire"), max_length=16, choices=RecipientKind.choices
    )
    # The person asked that messages go through their referrer: the e-mail went to the referrer.
    via_referrer = models.BooleanField(_("par le prescripteur"), default=False)
    # What the message is about: the model's label ("referrals.referral") and its id.
    subject_type = models.CharField(max_length=100, blank=True, default="")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("message envoyé")
        verbose_name_plural = _("messages envoyés")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="notification_subject_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="notification_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(recipient_kind__in=RecipientKind.values),
                name="notification_recipient_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.template} ({self.get_status_display()})"

    @property
    def label(self) -> str:
        """The French label of its message kind, for histories and timelines."""
        from tisser.notifications.kinds import kind_label  # kinds imports this module

        return kind_label(self.template)

    @property
    def provider_reference(self) -> str:
        """Our id for the message at the SMS provider, echoed back in its delivery reports."""
        return f"{PROVIDER_REFERENCE_PREFIX}{self.pk}"


class OptOut(models.Model):
    """A phone number or e-mail address that asked not to receive messages on a channel."""

    channel = models.CharField(max_length=8, choices=Channel.choices)
    address = models.CharField(max_length=254)
    created_at = ClockDateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("opposition")
        verbose_name_plural = _("oppositions")
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="optout_unique_address")
        ]

    def __str__(self):
        return f"{self.channel}:{self.address}"


# --- Caps on messages triggered by anonymous forms (tisser/notifications/caps.py) ----------


class AnonymousSmsDay(models.Model):
    """How many SMS anonymous forms triggered for one site on one day: the per-site cap.

    One row per (site, day); ``caps`` increments ``sent`` with a conditional UPDATE
    (``sent < cap``), which the database runs atomically, so concurrent requests never
    exceed the cap.
    """

    scope_path = "site"

    site = models.ForeignKey("accounts.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent = models.PositiveIntegerField(default=0)
    # Requests recorded without an SMS because the cap was reached.
    refused = models.PositiveIntegerField(default=0)
    cap_reached_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("compteur de SMS automatiques")
        verbose_name_plural = _("compteurs de SMS automatiques")
        constraints = [
            models.UniqueConstraint(fields=["site", "day"], name="anonymous_sms_day_unique"),
        ]

    def __str__(self):
        return f"{self.site_id} {self.day}: {self.sent}"


class AnonymousAcknowledgement(models.Model):
    """One acknowledgement per phone number or e-mail address per day.

    ``address_hash`` is an HMAC (keyed by SECRET_KEY and the day) of the channel and the
    address: never the address itself, and not linkable from one day to the next. The
    unique constraint is the guard; rows older than yesterday are deleted as new ones come.
    """

    day = models.DateField(db_index=True)
    address_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("accusé de réception envoyé")
        verbose_name_plural = _("accusés de réception envoyés")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "address_hash"], name="anonymous_acknowledgement_once_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.day}: {self.address_hash[:8]}"
