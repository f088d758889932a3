"""The demo's workshops: coming and past ones at the spaces other than Strasbourg, with
registrations and one full workshop with its waiting list, shown on the public agenda."""

import pytest
from django.urls import reverse

from tisser.accounts import demo
from tisser.core.clock import manual_clock
from tisser.training.enums import RegistrationStatus
from tisser.training.models import Workshop, WorkshopRegistration
from tisser.training.workshop_demo import seed_demo_workshops

pytestmark = pytest.mark.django_db


def test_the_demo_has_workshops_with_registrations_and_a_waiting_list(client):
    network = demo.seed_demo_network().network
    with manual_clock() as clock:
        result = seed_demo_workshops(network=network, clock=clock)

    assert result.workshops == Workshop.objects.count() > 0
    assert not Workshop.objects.filter(site__name=demo.STRASBOURG_SITE).exists()
    assert result.registrations == WorkshopRegistration.objects.count()
    assert result.waiting == 2
    full = WorkshopRegistration.objects.filter(status=RegistrationStatus.WAITING).first().workshop
    assert full.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == full.capacity
    page = client.get(reverse("website:workshop_agenda")).content.decode()
    assert "Complet — liste d" in page
