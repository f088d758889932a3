"""The dashboard's filters, read from the URL (programme, site, cohort, period)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.accounts.models import Site
from tisser.core.ids import IdChoiceField
from tisser.training import reporting
from tisser.training.models import Cohort


class DashboardFilterForm(forms.Form):
    programme = IdChoiceField(label=_("Programme"), queryset=None, required=False, empty_label=None)
    site = IdChoiceField(
        label=_("Espace"), queryset=None, required=False, empty_label=_("Tous les espaces")
    )
    cohort = IdChoiceField(
        label=_("Groupe"), queryset=None, required=False, empty_label=_("Tous les groupes")
    )
    start = forms.DateField(
        label=_("Groupes commencés à partir du"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    end = forms.DateField(
        label=_("jusqu'au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        programmes = reporting.readable_programmes(membership).order_by("-starts_on", "name")
        self.fields["programme"].queryset = programmes
        self._programme = None
        chosen = self.data.get("programme") if self.is_bound else None
        if chosen:
            self._programme = (
                programmes.filter(pk=chosen).first() if str(chosen).isdigit() else None
            )
        else:
            self._programme = programmes.first()
        cohorts = Cohort.objects.filter(
            programme=self._programme, cancelled_at__isnull=True
        ).order_by("-starts_on", "name")
        reader_sites = reporting.reader_site_ids(membership)
        if reader_sites is not None:
            cohorts = cohorts.filter(site_id__in=sorted(reader_sites))
        self.fields["cohort"].queryset = cohorts
        self.fields["site"].queryset = Site.objects.filter(
            pk__in=cohorts.values("site_id")
        ).order_by("name")
        if self._programme is not None:
            self.initial["programme"] = self._programme.pk

    def chosen_programme(self):
        return self._programme

    def cleaned(self, name):
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)

    def site_ids(self):
        site = self.cleaned("site")
        return frozenset({site.pk}) if site is not None else None

    def cohort_id(self):
        cohort = self.cleaned("cohort")
        return cohort.pk if cohort is not None else None

    def described(self) -> list[tuple[str, str]]:
        """The filters in words, for the export's header."""
        lines = []
        for name in ("site", "cohort", "start", "end"):
            value = self.cleaned(name)
            shown = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value
            lines.append((self.fields[name].label, str(shown) if value else _("Tous")))
        return lines
