import factory

from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.exercises.models import Answer, ItemVersion


class ItemVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemVersion

    key = factory.Sequence(lambda n: f"exercice-{n}")
    version = 1
    content_hash = factory.Sequence(lambda n: f"{n:064x}")
    type = "yes_no"
    level = 0
    choices = 2
    definition = factory.LazyAttribute(
        lambda o: {
            "id": o.key,
            "version": o.version,
            "type": "yes_no",
            "instruction": "Répondez.",
            "choices": 2,
            "level": 0,
            "content": {"statement": "Le ciel est bleu.", "answer": True},
        }
    )


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    item_version = factory.SubFactory(ItemVersionFactory)
    item_key = factory.LazyAttribute(lambda o: o.item_version.key)
    context_kind = "practice"
    context_id = ""
    idempotency_key = factory.Sequence(lambda n: f"cle-{n}")
    response = {"answer": True}
    score = 1
    correct = True
