"""EXPORTS' pages of the reporting app (decision 0055): downloads, PDF reports, figures from
before Tisser. The lead merges these patterns into ``reporting/urls.py`` (namespace
``reporting``) next to DASH's dashboards."""

from django.urls import path

from tisser.reporting import export_views, historic_views, report_views

app_name = "reporting"

urlpatterns = [
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
