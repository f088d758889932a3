"""For any app's tests: sign a test client in as a learner, as the learner would."""

from tests.learners.factories import LearnerCardFactory


def sign_in_learner(client, beneficiary=None, **card_kwargs):
    """Give ``beneficiary`` (or a new file) a card, type its code on ``/apprendre/``; return
    the card (``card.beneficiary`` is ``request.learner`` from now on in this client)."""
    if beneficiary is not None:
        card_kwargs["beneficiary"] = beneficiary
    card = LearnerCardFactory(**card_kwargs)
    response = client.post("/apprendre/", {"code": card.code})
    assert response.status_code == 302, "the learner could not sign in"
    return card
