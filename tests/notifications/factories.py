"""Factories for message records (the cross-site 404 matrix finds them by model)."""

import datetime

import factory

from tests.accounts.factories import SiteFactory
from tisser.notifications.models import (
    AnonymousSmsDay,
    Channel,
    DeliveryStatus,
    Notification,
    OptOut,
    RecipientKind,
)


class NotificationFactory(factory.django.DjangoModelFactory):
    """A message to a site's team about nothing in particular; pass subject= (a referral…)."""

    class Meta:
        model = Notification
        exclude = ("subject",)

    subject = None
    subject_type = factory.LazyAttribute(
        lambda o: o.subject._meta.label_lower if o.subject is not None else ""
    )
    subject_id = factory.LazyAttribute(lambda o: o.subject.pk if o.subject is not None else None)
    site = factory.SubFactory(SiteFactory)
    event_key = factory.Sequence(lambda n: f"test:{n}")
    channel = Channel.EMAIL
    template = "referral_submitted_site"
    recipient_kind = RecipientKind.SITE_TEAM
    status = DeliveryStatus.PENDING


class OptOutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OptOut

    channel = Channel.SMS
    address = factory.Sequence(lambda n: f"+3363998{n % 10000:04d}")


class AnonymousSmsDayFactory(factory.django.DjangoModelFactory):
    """A site's count of acknowledgements sent today to anonymous forms."""

    class Meta:
        model = AnonymousSmsDay

    site = factory.SubFactory(SiteFactory)
    day = factory.LazyFunction(datetime.date.today)
    sent = 1
