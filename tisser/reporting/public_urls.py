"""The national exports page under /espace-pro/chiffres/ (issue 16, helper PUBLIC): the
network's places in the national standard and the network-wide activity export.

Its own namespace ("reporting_public"), so it sits next to the dashboards' "reporting"
URLs without touching them.
"""

from django.urls import path

from tisser.reporting import places_views

app_name = "reporting_public"

urlpatterns = [
    path("lieux/", places_views.national_exports, name="national_exports"),
    path("lieux.csv", places_views.places_csv, name="places_csv"),
]
