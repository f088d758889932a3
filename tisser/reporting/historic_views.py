"""Figures from before Tisser: a network admin lists, adds, corrects and deletes them."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.core.access import require_roles, scoped_object
from tisser.core.views_helpers import confirm_page, paginate, submit_forms
from tisser.reporting import services
from tisser.reporting.historic import HISTORIC_INDICATORS
from tisser.reporting.historic_forms import HistoricFigureForm
from tisser.reporting.models import HistoricFigure

ADMIN = (Role.NETWORK_ADMIN,)


@require_roles(*ADMIN)
def historic_list(request):
    figures = (
        HistoricFigure.objects.visible_to(request.membership)
        .select_related("site")
        .order_by("-year", "site__name", "indicator", "pk")
    )
    page = paginate(request, figures)
    for figure in page:
        figure.indicator_label = str(HISTORIC_INDICATORS.get(figure.indicator, figure.indicator))
    return render(request, "reporting/historic_list.html", {"page": page})


@require_roles(*ADMIN)
def historic_create(request):
    form = HistoricFigureForm(request.POST or None, membership=request.membership)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.historic_figure_save(
            actor=request.membership, site=form.cleaned_data["site"], data=form.changes()
        ),
    )
    if submission.succeeded:
        messages.success(request, _("Le chiffre est enregistré."))
        return redirect("reporting:historic_list")
    return render(request, "reporting/historic_form.html", {"form": form, "figure": None})


@scoped_object(HistoricFigure)
@require_roles(*ADMIN)
def historic_edit(request, obj):
    form = HistoricFigureForm(request.POST or None, membership=request.membership, figure=obj)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.historic_figure_save(
            actor=request.membership,
            site=form.cleaned_data["site"],
            data=form.changes(),
            figure=obj,
        ),
    )
    if submission.succeeded:
        messages.success(request, _("Les modifications sont enregistrées."))
        return redirect("reporting:historic_list")
    return render(request, "reporting/historic_form.html", {"form": form, "figure": obj})


@scoped_object(HistoricFigure)
@require_roles(*ADMIN)
def historic_delete(request, obj):
    return confirm_page(
        request,
        action=lambda: services.historic_figure_delete(actor=request.membership, figure=obj),
        template="reporting/historic_delete.html",
        context={
            "figure": obj,
            "indicator_label": HISTORIC_INDICATORS.get(obj.indicator, obj.indicator),
        },
        success_message=_("Le chiffre est supprimé."),
        success_url="reporting:historic_list",
    )
