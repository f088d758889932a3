"""Remove e-mail addresses attached to an account other than the account's own address.

Before decision 0015, allauth's e-mail page let a member add any address, including another
member's; the owner then received a confirmation link. Dropping those rows kills the links
still waiting in mailboxes (allauth confirms only an address it still holds). An account
keeps the address it signs in with (``User.email``).
"""

from django.db import migrations
from django.db.models import F
from django.db.models.functions import Lower


def drop_foreign_addresses(apps, schema_editor):
    EmailAddress = apps.get_model("account", "EmailAddress")
    EmailAddress.objects.annotate(address=Lower("email"), own=Lower("user__email")).exclude(
        address=F("own")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(drop_foreign_addresses, migrations.RunPython.noop)]
