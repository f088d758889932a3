"""The card's code and link: alphabet, grouping, typing tolerance, keyed hashes, nothing in clear."""

import hashlib

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from tests.learners.factories import LearnerCardFactory
from tisser.core.models import JournalEntry
from tisser.learners import codes
from tisser.learners.models import LearnerCard

seeds = st.binary(min_size=32, max_size=32).map(bytes.hex)


def test_the_alphabet_has_no_sign_that_looks_like_another():
    assert len(codes.ALPHABET) == 32
    for ambiguous in "01OI":
        assert ambiguous not in codes.ALPHABET


@given(seeds)
def test_a_code_is_eight_signs_of_the_alphabet_shown_in_two_groups(seed):
    code = codes.code_from_seed(seed)
    assert len(code) == 8 and set(code) <= set(codes.ALPHABET)
    assert codes.grouped(code) == f"{code[:4]} {code[4:]}"
    assert codes.code_from_seed(seed) == code  # derived, so the same every time


@given(seeds)
def test_what_people_type_is_read_kindly(seed):
    code = codes.code_from_seed(seed)
    for typed in (code.lower(), f" {code[:4]} {code[4:]} ", f"{code[:4]}-{code[4:]}"):
        assert codes.normalize_code(typed) == code


@pytest.mark.parametrize("typed", ["", "ABCD", "ABCDEFGH9", "ABCD EFG0", "ABCDEFGI", "ABCD\nEFGO"])
def test_anything_that_cannot_be_a_code_is_refused(typed):
    assert codes.normalize_code(typed) == ""


def test_the_link_token_is_long_and_url_safe():
    token = codes.token_from_seed(codes.new_seed())
    assert len(token) == 43
    assert token.replace("-", "").replace("_", "").isalnum()


def test_the_hashes_are_keyed(settings):
    code = "7KQM4TXA"
    plain = hashlib.sha256(code.encode()).hexdigest()
    first = codes.code_hash(code)
    assert first != plain and len(first) == 64
    settings.SECRET_KEY = "another-key"
    assert codes.code_hash(code) != first
    # A code and a token never share a hash space.
    assert codes.code_hash(code) != codes.token_hash(code)


def test_codes_differ_from_card_to_card():
    drawn = {codes.code_from_seed(codes.new_seed()) for _ in range(500)}
    assert len(drawn) == 500


@pytest.mark.django_db
def test_no_code_nor_link_is_stored_in_clear(client):
    card = LearnerCardFactory()
    client.post("/apprendre/", {"code": card.grouped_code})
    client.post(f"/apprendre/carte/{card.token}/")
    assert JournalEntry.objects.filter(action="learner.signed_in").count() == 2
    dumped = []
    with connection.cursor() as cursor:
        for table in (LearnerCard._meta.db_table, JournalEntry._meta.db_table, "django_session"):
            cursor.execute(f"SELECT * FROM {table}")
            dumped.extend(str(value) for row in cursor.fetchall() for value in row)
    everything = " ".join(dumped)
    for secret in (card.code, card.grouped_code, card.token):
        assert secret not in everything
    stored = LearnerCard.objects.get(pk=card.pk)
    assert stored.code_hash == codes.code_hash(card.code)
    assert stored.token_hash == codes.token_hash(card.token)
