"""The team's diagnostic pages, under /espace-pro/diagnostics/ (namespace ``diagnostics``)."""

from django.urls import path

from tisser.diagnostics import results_views, staff_views

app_name = "diagnostics"

urlpatterns = [
    # --- taking the diagnostic with the person or on paper, and the preview (staff_views) ---
    path("apercu/", staff_views.preview_list, name="preview_list"),
    path("apercu/<slug:form>/", staff_views.preview_item, name="preview_item"),
    path("papier/<slug:form>.pdf", staff_views.paper_pdf, name="paper_pdf"),
    path("dossier/<id:pk>/", staff_views.person, name="person"),
    path("dossier/<id:pk>/commencer/", staff_views.start, name="start"),
    path("<id:pk>/", staff_views.sitting, name="sitting"),
    path("<id:pk>/contexte/", staff_views.context, name="context"),
    path("<id:pk>/question/", staff_views.question, name="question"),
    path("<id:pk>/papier/", staff_views.paper_entry, name="paper_entry"),
    path("<id:pk>/papier/corrige.pdf", staff_views.paper_correction, name="paper_correction"),
    path("<id:pk>/arreter/", staff_views.abandon, name="abandon"),
    # --- end of taking ---
    # --- results of a finished sitting (results_views) ---
    path("<id:pk>/resultats/", results_views.results, name="results"),
    path("<id:pk>/resultats.pdf", results_views.results_pdf, name="results_pdf"),
    # --- end of results ---
]
