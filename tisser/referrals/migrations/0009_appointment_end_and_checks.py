"""Appointments generalised, second step: the end time required, the status index and the
checks. A migration of its own: on PostgreSQL, a table whose rows were just updated by the
data step of 0008 cannot be altered in the same transaction ("pending trigger events")."""

import django.db.models.deletion  # noqa: F401
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("referrals", "0008_appointment_fill_ends_and_files")]

    operations = [
        migrations.AlterField(
            model_name='appointment',
            name='ends_at',
            field=models.DateTimeField(verbose_name='fin'),
        ),
        migrations.AddIndex(
            model_name='appointment',
            index=models.Index(fields=['status', 'starts_at'], name='appointment_status_start'),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='appointment_ends_after_start'),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=models.CheckConstraint(condition=models.Q(('referral__isnull', False), ('beneficiary__isnull', False), models.Q(('walk_in_name', ''), _negated=True), _connector='OR'), name='appointment_has_a_person'),
        ),
    ]
