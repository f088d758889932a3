"""Recording an opt-out: normalised address, journaled, refused in French when unusable."""

import pytest

from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.notifications.models import Channel, OptOut
from tisser.notifications.services import optout_add

pytestmark = pytest.mark.django_db


def test_a_phone_number_is_stored_in_e164_and_journaled(mediator, site):
    optout = optout_add(actor=mediator, channel=Channel.SMS, address="06 12 34 56 01", site=site)

    assert (optout.channel, optout.address) == ("sms", "+33612345601")
    entry = JournalEntry.objects.get(action="notification.opted_out")
    assert entry.actor == mediator.user
    assert entry.site == site
    assert entry.payload == {"channel": "sms"}
    assert "3456" not in str(entry.payload) + entry.object_id + entry.reason


def test_recording_the_same_opt_out_twice_keeps_one(mediator):
    optout_add(actor=mediator, channel=Channel.SMS, address="+33612345601")
    optout_add(actor=mediator, channel=Channel.SMS, address="0612345601")

    assert OptOut.objects.count() == 1
    assert JournalEntry.objects.filter(action="notification.opted_out").count() == 1


def test_an_email_is_stored_in_lower_case(mediator):
    optout = optout_add(actor=mediator, channel=Channel.EMAIL, address=" Awa@Exemple.FR ")
    assert optout.address == "awa@exemple.fr"


@pytest.mark.parametrize(
    ("channel", "address", "message"),
    [
        (Channel.SMS, "12", "Ce numéro de téléphone n'est pas valide. Exemple : 06 12 34 56 78."),
        (Channel.EMAIL, "pas-une-adresse", "Cette adresse e-mail n'est pas valide."),
        (Channel.SMS, "  ", "Indiquez un numéro de téléphone ou une adresse e-mail."),
        (Channel.CALL, "0612345601", "On ne peut refuser que les SMS ou les e-mails."),
    ],
)
def test_unusable_addresses_are_refused_and_nothing_is_stored(mediator, channel, address, message):
    with pytest.raises(DomainError) as caught:
        optout_add(actor=mediator, channel=channel, address=address)

    assert caught.value.message == message
    assert OptOut.objects.count() == 0
    assert not JournalEntry.objects.filter(action="notification.opted_out").exists()
