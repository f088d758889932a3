"""The figures' pages in the staff area, under /espace-pro/chiffres/ (decision 0055)."""

from django.urls import path

from tisser.reporting import export_views, historic_views, places_views, report_views, views

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

# Downloads, PDF reports and figures from before Tisser (issue 16, helper EXPORTS).
urlpatterns += [
    path("export.xlsx", export_views.export_xlsx, name="export_xlsx"),
    path("export.csv", export_views.export_csv, name="export_csv"),
    path("rapports/", report_views.report_list, name="report_list"),
    path("rapports/demander/", report_views.report_request, name="report_request"),
    path("rapports/<id:pk>/pdf/", report_views.report_download, name="report_download"),
    path("avant-tisser/", historic_views.historic_list, name="historic_list"),
    path("avant-tisser/nouveau/", historic_views.historic_create, name="historic_create"),
    path("avant-tisser/<id:pk>/modifier/", historic_views.historic_edit, name="historic_edit"),
    path("avant-tisser/<id:pk>/supprimer/", historic_views.historic_delete, name="historic_delete"),
]

# The national exports: places in the national standard, network-wide activities (PUBLIC).
urlpatterns += [
    path("lieux/", places_views.national_exports, name="national_exports"),
    path("lieux.csv", places_views.places_csv, name="places_csv"),
]
