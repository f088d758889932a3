"""Copy each message's referral (or, failing that, file) link into the generic subject."""

from django.db import migrations
from django.db.models import F

REFERRAL = "referrals.referral"
BENEFICIARY = "beneficiaries.beneficiary"


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(referral__isnull=False).update(
        subject_type=REFERRAL, subject_id=F("referral_id")
    )
    Notification.objects.filter(referral__isnull=True, beneficiary__isnull=False).update(
        subject_type=BENEFICIARY, subject_id=F("beneficiary_id")
    )


def backwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(subject_type=REFERRAL).update(referral_id=F("subject_id"))
    Notification.objects.filter(subject_type=BENEFICIARY).update(beneficiary_id=F("subject_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0005_subject_and_delivery_states"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
