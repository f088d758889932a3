"""Workshop facts in plain words for the public and staff pages."""

from django import template
from django.utils.translation import gettext_lazy as _

from tisser.activities.enums import Theme, WorkshopLevel

register = template.Library()

LEVEL_IN_WORDS = {
    WorkshopLevel.DEBUTANT: _("Pour débuter : rien à savoir avant"),
    WorkshopLevel.INTERMEDIAIRE: _("Pour ceux qui savent déjà un peu"),
    WorkshopLevel.AVANCE: _("Pour aller plus loin"),
}
THEMES = dict(Theme.choices)


@register.filter
def level_words(code: str) -> str:
    return str(LEVEL_IN_WORDS.get(code, code))


@register.filter
def theme_label(code: str) -> str:
    return str(THEMES.get(code, code))


@register.filter
def seats_left(workshop) -> int:
    """Capacity minus the seats taken (``confirmed_count`` comes from the selectors)."""
    return max(workshop.capacity - getattr(workshop, "confirmed_count", 0), 0)
