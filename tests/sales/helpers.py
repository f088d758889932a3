"""Shared steps of the quota tests: a moment in Paris, a sale's consumption."""

import datetime

from django.utils import timezone

from tisser.sales import quotas
from tisser.sales.quotas import BasketLine


def paris(year, month, day, hour=12, minute=0, second=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute, second))


def buy(actor, person, *lines, override=None, site=None):
    """Consume the quotas of a basket (each line an offer or an (offer, quantity) pair)."""
    basket = [
        BasketLine(line[0], line[1]) if isinstance(line, tuple) else BasketLine(line, 1)
        for line in lines
    ]
    return quotas.quota_consume(
        actor=actor,
        beneficiary=person,
        site=site or person.site,
        basket=basket,
        override=override,
    )


def check(person, *lines, at=None):
    basket = [
        BasketLine(line[0], line[1]) if isinstance(line, tuple) else BasketLine(line, 1)
        for line in lines
    ]
    return quotas.quota_check(beneficiary=person, basket=basket, at=at)
