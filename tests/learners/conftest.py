import pytest

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.learners.factories import LearnerCardFactory


@pytest.fixture
def person(site):
    return BeneficiaryFactory(site=site, first_name="Aïcha", phone="06 12 34 56 78")


@pytest.fixture
def card(person):
    return LearnerCardFactory(beneficiary=person)


@pytest.fixture
def learner_client(client, card):
    """A browser signed in with ``card`` (through the code page, as a learner would)."""
    response = client.post("/apprendre/", {"code": card.code})
    assert response.status_code == 302, response.content[:500]
    return client


@pytest.fixture
def sms_outbox():
    """The SMS sent (run the commit callbacks with ``django_capture_on_commit_callbacks``)."""
    from tisser.notifications import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
