from django.urls import path

from tisser.diagnostics import learner_views

app_name = "diagnostic"

urlpatterns = [
    path("", learner_views.diagnostic_home, name="start"),
    path("<int:pk>/questions-de-depart/", learner_views.diagnostic_context, name="context"),
    path("<int:pk>/suite/", learner_views.diagnostic_continue, name="continue"),
    path("<int:pk>/question/<slug:key>/", learner_views.diagnostic_item, name="item"),
    path("<int:pk>/resultats/", learner_views.diagnostic_results, name="results"),
]
