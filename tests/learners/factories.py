"""Learner cards (the cross-site 404 matrix finds this factory by model).

``LearnerCardFactory(beneficiary=...)`` builds an active card valid for a year, as
``card_issue`` would; ``beneficiary__site=site`` puts it on a file of ``site``. The clear
code of a card built here is ``card.code`` (derived from its seed, never stored).
"""

import datetime

import factory

from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.core import clock
from tisser.learners import codes
from tisser.learners.models import LearnerCard


class LearnerCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnerCard

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    site = factory.SelfAttribute("beneficiary.site")
    seed = factory.LazyFunction(codes.new_seed)
    code_hash = factory.LazyAttribute(lambda o: codes.code_hash(codes.code_from_seed(o.seed)))
    token_hash = factory.LazyAttribute(lambda o: codes.token_hash(codes.token_from_seed(o.seed)))
    issued_at = factory.LazyFunction(clock.now)
    expires_at = factory.LazyAttribute(lambda o: o.issued_at + datetime.timedelta(days=365))
