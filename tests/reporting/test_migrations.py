"""The data migration gives each people set stored before it the digest of its members."""

import datetime

import pytest

from tests.accounts.factories import NetworkFactory
from tests.helpers import migrate_to
from tisser.reporting import people_sets

BEFORE = [("reporting", "0001_initial")]
AFTER = [("reporting", "0002_people_set_digest")]


@pytest.mark.django_db(transaction=True)
def test_people_sets_stored_before_get_the_digest_of_their_members():
    network = NetworkFactory()
    blobs = [people_sets.encode(people_sets.from_ids(ids)) for ids in ([1, 2, 3], [4, 9])]
    try:
        old = migrate_to(BEFORE)
        PeopleSet = old.get_model("reporting", "PeopleSet")
        stored = [
            PeopleSet.objects.create(
                network_id=network.pk, grain="d", period_start=datetime.date(2026, 1, day),
                indicator="people_helped", members=blob, size=3,
            ).pk
            for day, blob in enumerate(blobs, start=1)
        ]  # fmt: skip
        new = migrate_to(AFTER)
    finally:
        migrate_to(AFTER)

    PeopleSet = new.get_model("reporting", "PeopleSet")
    digests = dict(PeopleSet.objects.filter(pk__in=stored).values_list("pk", "digest"))
    assert digests == {pk: people_sets.digest(blob) for pk, blob in zip(stored, blobs, strict=True)}
