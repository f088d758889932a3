"""Figures from before Tisser (``HistoricFigure``): which indicators a network admin may
enter per site and year. The public figures page adds exactly these, marked as such."""

from django.utils.translation import gettext_lazy as _

# The public page's headline figures that go back before Tisser (« 37 000 personnes en
# 6 ans », « 8 000 personnes en 2018 »): their codes in the catalogue, and their words.
HISTORIC_INDICATORS = {
    "people_helped": _("Personnes accompagnées"),
    "people_offers": _("Personnes ayant bénéficié d'offres solidaires"),
}
FIRST_YEAR = 1990
MAX_VALUE = 10_000_000


def indicator_label(code: str) -> str:
    return str(HISTORIC_INDICATORS.get(code, code))
