"""The dashboards' filters, read from the query string so that a view can be shared
(decision 0055): period, comparison with the previous period, site, city, programme,
partner, funder. Every choice is cut to the reader's scope; a wrong value is a French
error on its field and the page still shows, with that filter's default."""

from __future__ import annotations

import dataclasses
import datetime

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.accounts.enums import Role
from tisser.accounts.models import Funder, Partner
from tisser.core import clock
from tisser.core.dates import format_day
from tisser.core.forms import DateInput
from tisser.core.ids import IdChoiceField, parse_id
from tisser.reporting import selection as scopes
from tisser.reporting.selection import Filters, Scope

# The oldest day a dashboard reads (the figures from before Tisser are entered per year,
# as historic figures); the latest is the end of next year.
FIRST_DAY = datetime.date(2000, 1, 1)

NETWORK, SITE, FUNDER, PROGRAMME = "network", "site", "funder", "programme"
KINDS = (NETWORK, SITE, FUNDER, PROGRAMME)


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """This calendar year, to date."""
    return datetime.date(today.year, 1, 1), today


class DashboardFilterForm(forms.Form):
    debut = forms.DateField(
        label=gettext_lazy("Premier jour"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Premier jour compté, par exemple 01/01/2026."),
    )
    fin = forms.DateField(
        label=gettext_lazy("Dernier jour"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Dernier jour compté, le même ou après le premier."),
    )
    comparer = forms.BooleanField(
        label=gettext_lazy("Comparer avec la période précédente de même durée"), required=False
    )
    espace = IdChoiceField(
        label=gettext_lazy("Espace"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Tous les espaces"),
    )
    commune = forms.ChoiceField(label=gettext_lazy("Commune"), required=False)
    programme = IdChoiceField(
        label=gettext_lazy("Programme"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Tous les programmes"),
    )
    partenaire = IdChoiceField(
        label=gettext_lazy("Partenaire prescripteur"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Tous les partenaires"),
    )
    financeur = IdChoiceField(
        label=gettext_lazy("Financeur"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Tous les financeurs"),
    )

    def __init__(self, *args, scope: Scope, kind: str = NETWORK, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.kind = kind
        self.today = clock.localdate()
        start, end = default_period(self.today)
        self.fields["debut"].initial = start
        self.fields["fin"].initial = end
        self._cities: dict[str, frozenset[int]] = {}
        # A network admin opening a funder's view picks among what that funder sees.
        viewed = self._viewed_funder() if kind == FUNDER else None
        if viewed is not None:
            scope = dataclasses.replace(scope, funder_id=viewed)
        if scope.site_ids is not None:
            del self.fields["espace"], self.fields["commune"]
        else:
            sites = scopes.readable_sites(scope)
            self.fields["espace"].queryset = sites
            if kind == SITE:
                del self.fields["commune"]
                self.fields["espace"].empty_label = _("Choisissez un espace")
            rows = list(sites.values_list("pk", "name", "city"))
            self.fields["espace"].draw_choices([(pk, name) for pk, name, _city in rows])
            for pk, _name, city in rows:
                if city:
                    self._cities[city] = self._cities.get(city, frozenset()) | {pk}
            if "commune" in self.fields:
                self.fields["commune"].choices = [("", _("Toutes les communes"))] + [
                    (city, city) for city in sorted(self._cities)
                ]
        self.fields["programme"].queryset = scopes.readable_programmes(scope)
        if kind == PROGRAMME:
            self.fields["programme"].empty_label = _("Choisissez un programme")
        if scope.is_funder or kind == FUNDER:
            del self.fields["partenaire"]
        else:
            self.fields["partenaire"].queryset = Partner.objects.filter(
                network_id=scope.network_id
            ).order_by("name")
        if (
            self.scope.role == Role.NETWORK_ADMIN
            and not self.scope.is_funder
            and kind in (NETWORK, FUNDER)
        ):
            self.fields["financeur"].queryset = Funder.objects.filter(
                network_id=self.scope.network_id
            ).order_by("name")
            if kind == FUNDER:
                self.fields["financeur"].empty_label = _("Choisissez un financeur")
                self.fields["financeur"].help_text = _(
                    "Les chiffres tels que ce financeur les voit."
                )
            else:
                self.fields["financeur"].help_text = _("Seulement ce que ses conventions couvrent.")
        else:
            del self.fields["financeur"]

    def _viewed_funder(self) -> int | None:
        if not self.is_bound or self.scope.role != Role.NETWORK_ADMIN or self.scope.is_funder:
            return None
        funder_id = parse_id(self.data.get("financeur"))
        if funder_id is None:
            return None
        found = Funder.objects.filter(pk=funder_id, network_id=self.scope.network_id)
        return funder_id if found.exists() else None

    # --- checks --------------------------------------------------------------------------

    def clean_debut(self):
        day = self.cleaned_data.get("debut")
        if day is not None and day < FIRST_DAY:
            raise forms.ValidationError(
                _("Choisissez un jour à partir du %(day)s.") % {"day": format_day(FIRST_DAY)}
            )
        if day is not None and day > self.today:
            raise forms.ValidationError(
                _(
                    "Le premier jour ne peut pas être dans le futur : choisissez aujourd'hui au plus tard."
                )
            )
        return day

    def clean_fin(self):
        day = self.cleaned_data.get("fin")
        last = datetime.date(self.today.year + 1, 12, 31)
        if day is not None and day > last:
            raise forms.ValidationError(
                _("Choisissez un jour jusqu'au %(day)s au plus tard.") % {"day": format_day(last)}
            )
        if day is not None and day < FIRST_DAY:
            raise forms.ValidationError(
                _("Choisissez un jour à partir du %(day)s.") % {"day": format_day(FIRST_DAY)}
            )
        return day

    def clean(self):
        data = super().clean()
        start, end = data.get("debut"), data.get("fin")
        if start and end and end < start:
            self.add_error("fin", _("Le dernier jour doit être le même que le premier, ou après."))
        return data

    # --- what was chosen -----------------------------------------------------------------

    def chosen(self, name: str):
        """The field's value once checked; None when absent, wrong or not offered."""
        if not self.is_bound or name not in self.fields:
            return None
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get(name)

    def filters(self) -> Filters:
        default_start, default_end = default_period(self.today)
        start = self.chosen("debut") or default_start
        end = self.chosen("fin") or max(default_end, start)
        if end < start:
            start, end = default_start, default_end
        site_ids = None
        site = self.chosen("espace")
        if site is not None:
            site_ids = frozenset({site.pk})
        city = self.chosen("commune")
        if city:
            in_city = self._cities.get(city, frozenset())
            site_ids = in_city if site_ids is None else site_ids & in_city
        programme = self.chosen("programme")
        partner = self.chosen("partenaire")
        return Filters(
            start=start,
            end=end,
            compare=bool(self.chosen("comparer")),
            site_ids=site_ids,
            programme_id=programme.pk if programme is not None else None,
            partner_id=partner.pk if partner is not None else None,
        )

    def described(self, filters: Filters) -> list[tuple[str, str]]:
        """The filters in words, for the page, the downloads and the reports."""
        lines = [
            (
                _("Période"),
                _("du %(start)s au %(end)s")
                % {"start": format_day(filters.start), "end": format_day(filters.end)},
            )
        ]
        for name in ("espace", "commune", "programme", "partenaire", "financeur"):
            value = self.chosen(name)
            if value:
                lines.append((str(self.fields[name].label), str(value)))
        return lines
