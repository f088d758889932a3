from django.urls import path

from tisser.diagnostics import results_views

app_name = "diagnostics"

urlpatterns = [
    # --- results of a finished sitting (results_views) ---
    path("<id:pk>/resultats/", results_views.results, name="results"),
    path("<id:pk>/resultats.pdf", results_views.results_pdf, name="results_pdf"),
    # --- end of results ---
]
