"""Each stored people set gets the digest of its content (``people_sets.digest``), by which
a process keeps the sets it decoded (``set_cache``).

The column may be null (a row written by the previous version during a deploy is simply
never kept), and the migration is not one transaction: existing rows get their digest in
batches that each commit, so the dashboards and the refresh are never held behind a lock
for the whole fill (447,000 sets took about 2 minutes at national scale)."""

from django.db import migrations, models, transaction

from tisser.reporting import people_sets

BATCH = 2000


def fill_digests(apps, schema_editor):
    PeopleSet = apps.get_model("reporting", "PeopleSet")
    last = 0
    while True:
        with transaction.atomic():
            rows = list(
                PeopleSet.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "members")[:BATCH]
            )
            if not rows:
                return
            found = [
                PeopleSet(pk=pk, digest=people_sets.digest(bytes(blob))) for pk, blob in rows
            ]
            PeopleSet.objects.bulk_update(found, ["digest"], batch_size=BATCH)
        last = rows[-1][0]


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("reporting", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="peopleset",
            name="digest",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop),
    ]
