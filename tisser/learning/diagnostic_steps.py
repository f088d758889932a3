"""The modules a diagnostic's results suggest, on the diagnostic's results pages.

Registered in ``LearningConfig.ready()`` with ``diagnostics.next_steps.register_next_steps``:
the diagnostics app renders what these providers answer and never imports this app
(layers). The suggestion is the path's own rule (``selectors.suggested_modules``, through
``selectors.diagnostic_suggestions``): the team sees what « Mon parcours » offers, and
« Donner ces modules » gives them (``modules:diagnostic_assign``, ``module_assign``).
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tisser.accounts.enums import Role
from tisser.beneficiaries.models import works_on_file
from tisser.diagnostics import framework
from tisser.diagnostics.next_steps import NextStepAction, NextStepLine, NextStepLink, NextSteps
from tisser.learning.selectors import diagnostic_suggestions

SITE_TEAM = (Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)


def _detail(found, labels) -> str:
    return _("%(domain)s, niveau %(level)s, %(minutes)s min") % {
        "domain": labels.get(found.domain, found.domain),
        "level": found.level,
        "minutes": found.minutes,
    }


def staff_next_steps(diagnostic, membership) -> NextSteps | None:
    """« Modules conseillés » on the team's results page, with « Donner ces modules »."""
    beneficiary = diagnostic.beneficiary
    if not works_on_file(membership, beneficiary, site_roles=SITE_TEAM):
        return None
    found = diagnostic_suggestions(diagnostic=diagnostic)
    if not found.modules:
        return None
    labels = framework.domain_labels()
    lines = []
    for row in found.modules:
        note = ""
        if row.key in found.given:
            note = _("déjà donné")
        if row.key in found.started:
            note = _("commencé") if not note else _("déjà donné, commencé")
        lines.append(NextStepLine(title=row.title, detail=_detail(row, labels), note=note))
    to_give = found.to_give
    action = None
    if to_give:
        text = _("D'après ce diagnostic, « Mon parcours » propose ces modules à %(name)s.") % {
            "name": beneficiary.first_name
        }
        action = NextStepAction(
            url=reverse("modules:diagnostic_assign", kwargs={"pk": diagnostic.pk}),
            label=_("Donner ces modules"),
            fields=tuple(("modules", row.key) for row in to_give),
        )
    else:
        text = _("Ces modules sont déjà donnés à %(name)s.") % {"name": beneficiary.first_name}
    return NextSteps(
        title=_("Modules conseillés"),
        text=text,
        lines=tuple(lines),
        action=action,
        link=NextStepLink(
            url=reverse("modules:person", kwargs={"pk": beneficiary.pk}),
            label=_("Voir ses modules et son suivi"),
        ),
    )


def learner_next_steps(diagnostic) -> NextSteps | None:
    """On the person's own results: the modules waiting in « Mon parcours », and the link."""
    found = diagnostic_suggestions(diagnostic=diagnostic)
    if not found.modules:
        return None
    count = len(found.modules)
    return NextSteps(
        title=_("Mes modules"),
        text=ngettext(
            "Un module est prêt pour vous :",
            "%(count)s modules sont prêts pour vous :",
            count,
        )
        % {"count": count},
        lines=tuple(NextStepLine(title=row.title) for row in found.modules),
        link=NextStepLink(url=reverse("learning:path"), label=_("Aller à « Mon parcours »")),
    )
