"""The figures' pages in the staff area, under /espace-pro/chiffres/ (decision 0055)."""

from django.urls import path

from tisser.reporting import views

app_name = "reporting"

# Dashboards and glossary (issue 16, helper DASH).
urlpatterns = [
    path("", views.index, name="index"),
    path("reseau/", views.network, name="network"),
    path("espace/", views.site, name="site"),
    path("financeur/", views.funder, name="funder"),
    path("programme/", views.programme, name="programme"),
    path("glossaire/", views.glossary, name="glossary"),
]
