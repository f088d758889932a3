from django.urls import path

from tisser.diagnostics import learner_views

app_name = "diagnostic"

urlpatterns = [
    path("", learner_views.diagnostic_home, name="start"),
    path("<id:pk>/questions-de-depart/", learner_views.diagnostic_context, name="context"),
    path("<id:pk>/suite/", learner_views.diagnostic_continue, name="continue"),
    path("<id:pk>/question/<slug:key>/", learner_views.diagnostic_item, name="item"),
    path("<id:pk>/resultats/", learner_views.diagnostic_results, name="results"),
]
