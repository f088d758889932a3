"""Each stored people set gets the digest of its content (``people_sets.digest``), by which
a process keeps the sets it decoded (``set_cache``). Existing rows get theirs from their
members, read and written back in batches."""

from django.db import migrations, models

from tisser.reporting import people_sets

BATCH = 2000


def fill_digests(apps, schema_editor):
    PeopleSet = apps.get_model("reporting", "PeopleSet")
    last = 0
    while True:
        rows = list(
            PeopleSet.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "members")[:BATCH]
        )
        if not rows:
            return
        found = [PeopleSet(pk=pk, digest=people_sets.digest(bytes(blob))) for pk, blob in rows]
        PeopleSet.objects.bulk_update(found, ["digest"], batch_size=BATCH)
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="peopleset",
            name="digest",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop),
    ]
