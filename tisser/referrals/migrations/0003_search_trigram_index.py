"""Name filter of the inbox and the partner list on PostgreSQL: a GIN trigram index.

The filter is ``search_key LIKE '%word%'`` (tisser/referrals/forms.py); without this index
PostgreSQL reads every referral of the site (tens of thousands at scale, docs/benchmarks.md).
The pg_trgm extension comes from beneficiaries 0003. SQLite has no such index: nothing
happens there.
"""

from django.db import migrations

INDEX_NAME = "referral_search_key_trgm"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON referrals_referral "
        "USING gin (search_key gin_trgm_ops)"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0003_search_trigram_index"),
        ("referrals", "0002_inbox_newest_first_index"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
