"""Factories for the reporting app's scoped models (the cross-site matrix finds them)."""

import factory

from tests.accounts.factories import SiteFactory, UserFactory
from tisser.reporting.enums import ReportKind, ReportStatus
from tisser.reporting.models import HistoricFigure, ReportRequest


class HistoricFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HistoricFigure

    site = factory.SubFactory(SiteFactory)
    year = 2018
    indicator = "people_helped"
    value = 1200
    source = "Rapport d'activité 2018"
    entered_by = factory.SubFactory(UserFactory)


class ReportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportRequest

    organisation = factory.SubFactory(SiteFactory)
    requested_by = factory.SubFactory(UserFactory)
    kind = ReportKind.FUNDER
    filters = factory.LazyFunction(dict)
    status = ReportStatus.QUEUED
