"""Device search on PostgreSQL at 100,000 devices: brand and model words (GIN trigram
indexes serving ``UPPER(col::text) LIKE UPPER('%word%')``, what ``icontains`` writes) and
the start of an inventory id (``LIKE 'STR-PC-%'``, a ``varchar_pattern_ops`` index, since
the database's collation is not C). The pg_trgm extension comes from beneficiaries 0003.
SQLite has no such index: nothing happens there.
"""

from django.db import migrations

INDEXES = {
    "device_brand_trgm": "USING gin ((UPPER(brand::text)) gin_trgm_ops)",
    "device_model_trgm": "USING gin ((UPPER(model_name::text)) gin_trgm_ops)",
    "device_inventory_prefix": "(inventory_id varchar_pattern_ops)",
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON offers_device {definition}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0003_search_trigram_index"),
        ("offers", "0002_stock_reservations_device_history"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
