"""Typo-tolerant name search on PostgreSQL: the pg_trgm extension and a GIN trigram index.

SQLite has neither; its search uses the B-tree index on search_key and a bounded
re-ranking in Python (see tisser/beneficiaries/selectors.py), so this migration does
nothing there.
"""

from django.db import migrations

INDEX_NAME = "beneficiary_search_key_trgm"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON beneficiaries_beneficiary "
        "USING gin (search_key gin_trgm_ops)"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other tables may use it.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0002_last_name_optional")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
