import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from tisser.accounts.enums import Role
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.offers import receipts, vouchers
from tisser.offers.enums import VoucherStatus
from tisser.offers.models import Voucher
from tisser.offers.receipts import VoucherIn

CODES = ["123456789012", "ABCD-EFGH-1234", "998877665544"]


@pytest.fixture
def stocked(site, manager, recharge_offer):
    items = [VoucherIn(row=n + 2, code=code, serial=f"S{n}") for n, code in enumerate(CODES)]
    receipt = receipts.vouchers_receive(actor=manager, site=site, offer=recharge_offer, items=items)
    return receipt.vouchers


def raw_columns():
    with connection.cursor() as cursor:
        cursor.execute("SELECT code_encrypted, code_fingerprint, serial FROM offers_voucher")
        return cursor.fetchall()


def test_the_raw_column_holds_no_code(stocked):
    rows = raw_columns()
    assert len(rows) == 3
    dump = " ".join(" ".join(row) for row in rows)
    for code in CODES:
        assert code not in dump
        assert code.replace("-", "") not in dump
    assert all(row[0].startswith("gAAAAA") for row in rows)  # Fernet tokens


def test_every_code_reads_back(stocked):
    read = sorted(vouchers.code_decrypt(v.code_encrypted) for v in Voucher.objects.all())
    assert read == sorted(CODES)


def test_fingerprint_is_keyed_and_ignores_spaces_and_case(settings):
    first = vouchers.code_fingerprint("ab 12 cd")
    assert first == vouchers.code_fingerprint("AB12CD")
    settings.VOUCHER_FINGERPRINT_KEY = "another-key-entirely-for-this-test"
    assert vouchers.code_fingerprint("AB12CD") != first


def test_rotation_reencrypts_every_code_with_the_new_key(stocked, settings):
    old_key = settings.VOUCHER_CODE_KEYS[0]
    new_key = Fernet.generate_key().decode()
    before = {row[0] for row in raw_columns()}
    settings.VOUCHER_CODE_KEYS = [new_key, old_key]
    out = io.StringIO()
    call_command("rotate_voucher_keys", "--batch-size", "2", stdout=out)
    assert "3 code(s) examined, 3 re-encrypted" in out.getvalue()
    after = {row[0] for row in raw_columns()}
    assert not before & after
    # The old key is gone: every code still reads back with the new one alone.
    settings.VOUCHER_CODE_KEYS = [new_key]
    assert sorted(vouchers.code_decrypt(v.code_encrypted) for v in Voucher.objects.all()) == sorted(
        CODES
    )
    # Idempotent: a second run changes nothing.
    out = io.StringIO()
    call_command("rotate_voucher_keys", stdout=out)
    assert "0 re-encrypted with the first key, 3 already under it" in out.getvalue()
    assert {row[0] for row in raw_columns()} == after


def test_rotation_resumes_after_an_interruption(stocked, settings):
    old_key = settings.VOUCHER_CODE_KEYS[0]
    settings.VOUCHER_CODE_KEYS = [Fernet.generate_key().decode(), old_key]
    first_id = min(v.pk for v in stocked)
    counts = vouchers.rotate_keys(batch_size=1, after_id=first_id)  # as if the first batch ran
    assert counts.rotated == 2
    counts = vouchers.rotate_keys(batch_size=1)
    assert (counts.rotated, counts.already_current) == (1, 2)


def test_a_code_no_key_reads_stops_the_rotation(stocked, settings):
    settings.VOUCHER_CODE_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(DomainError, match="aucune des clés"):
        vouchers.rotate_keys()


def test_reveal_is_refused_before_the_sale(stocked, manager):
    with pytest.raises(DomainError, match="une fois la recharge ou la carte vendue"):
        vouchers.voucher_code_reveal(actor=manager, voucher=stocked[0], reason="reçu")
    assert not JournalEntry.objects.filter(action="voucher.code_revealed").exists()


def test_each_reveal_of_a_sold_voucher_is_journaled(stocked, site, member_factory):
    voucher = stocked[0]
    Voucher.objects.filter(pk=voucher.pk).update(status=VoucherStatus.SOLD)
    mediator = member_factory(site, Role.MEDIATOR)
    assert vouchers.voucher_code_reveal(actor=mediator, voucher=voucher, reason="reçu") == CODES[0]
    vouchers.voucher_code_reveal(actor=mediator, voucher=voucher, reason="réimpression")
    entries = JournalEntry.objects.filter(action="voucher.code_revealed").order_by("pk")
    assert [e.reason for e in entries] == ["reçu", "réimpression"]
    assert entries[0].object_id == str(voucher.pk)
    assert entries[0].site_id == site.pk


def test_reveal_needs_a_reason_a_role_and_the_site(stocked, site, other_site, member_factory):
    voucher = stocked[0]
    Voucher.objects.filter(pk=voucher.pk).update(status=VoucherStatus.SOLD)
    with pytest.raises(DomainError, match="pourquoi"):
        vouchers.voucher_code_reveal(
            actor=member_factory(site, Role.MEDIATOR), voucher=voucher, reason="  "
        )
    with pytest.raises(DomainError, match="rôle"):
        vouchers.voucher_code_reveal(
            actor=member_factory(site, Role.VOLUNTEER), voucher=voucher, reason="x"
        )
    with pytest.raises(DomainError, match="pas dans le stock de votre espace"):
        vouchers.voucher_code_reveal(
            actor=member_factory(other_site, Role.SITE_MANAGER), voucher=voucher, reason="x"
        )


def test_production_settings_refuse_to_start_without_the_keys(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    from tests.core.test_security_headers import PROD_ENV

    for name, value in PROD_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("VOUCHER_CODE_KEYS")
    monkeypatch.delitem(sys.modules, "config.settings.prod", raising=False)
    with pytest.raises(ImproperlyConfigured, match="VOUCHER_CODE_KEYS"):
        importlib.import_module("config.settings.prod")
    monkeypatch.setenv("VOUCHER_CODE_KEYS", "not-a-fernet-key")
    monkeypatch.delitem(sys.modules, "config.settings.prod", raising=False)
    with pytest.raises(ImproperlyConfigured, match="Fernet"):
        importlib.import_module("config.settings.prod")
    monkeypatch.setenv("VOUCHER_CODE_KEYS", PROD_ENV["VOUCHER_CODE_KEYS"])
    monkeypatch.delenv("VOUCHER_FINGERPRINT_KEY")
    monkeypatch.delitem(sys.modules, "config.settings.prod", raising=False)
    with pytest.raises(ImproperlyConfigured, match="VOUCHER_FINGERPRINT_KEY"):
        importlib.import_module("config.settings.prod")
    sys.modules.pop("config.settings.prod", None)
