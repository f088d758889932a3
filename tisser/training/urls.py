"""The team's training pages, under /espace-pro/formations/ (namespace ``training``).

Shared by the helpers of issue 15: each block is appended, clearly commented.
"""

from django.urls import path

from tisser.training import survey_views

app_name = "training"

urlpatterns = [
    # --- Surveys (helper S: survey_views.py) ---
    path("questionnaires/tablette/", survey_views.tablet, name="survey_tablet"),
    path("questionnaires/<id:pk>/tablette/", survey_views.kiosk, name="survey_kiosk"),
    path("questionnaires/<id:pk>/qr/", survey_views.qr, name="survey_qr"),
    # --- end of surveys ---
]
