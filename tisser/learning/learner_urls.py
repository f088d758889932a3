from django.urls import path

from tisser.learning import learner_views

app_name = "learning"

urlpatterns = [
    path("", learner_views.learning_path, name="path"),
    path("<slug:key>/", learner_views.module_home, name="module"),
    path("suivi/<id:pk>/etape/<slug:step>/", learner_views.module_step, name="step"),
    path("suivi/<id:pk>/hors-connexion/", learner_views.module_offline, name="offline"),
    path("suivi/<id:pk>/envoyer/", learner_views.module_sync, name="sync"),
    path("suivi/<id:pk>/termine/", learner_views.module_done, name="done"),
]
