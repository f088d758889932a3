"""Appointments generalised, data step: the end time of the existing appointments and their
person's file. A migration of its own: on PostgreSQL, the rows it updates could not be
followed, in the same transaction, by the schema changes around it ("pending trigger
events")."""

from datetime import timedelta

from django.db import migrations, models


def fill_ends_and_files(apps, schema_editor):
    """Existing appointments last the site default (30 minutes) and point to the file
    their referral led to, when the person came."""
    Appointment = apps.get_model("referrals", "Appointment")
    Referral = apps.get_model("referrals", "Referral")
    Appointment.objects.update(ends_at=models.F("starts_at") + timedelta(minutes=30))
    Appointment.objects.filter(referral__beneficiary__isnull=False).update(
        beneficiary=models.Subquery(
            Referral.objects.filter(pk=models.OuterRef("referral_id")).values("beneficiary")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0007_appointment_generalised")]

    operations = [migrations.RunPython(fill_ends_and_files, migrations.RunPython.noop)]
