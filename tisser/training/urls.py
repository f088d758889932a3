"""The team's training pages, under /espace-pro/formations/ (namespace ``training``).

Shared by the helpers of issue 15: each block is appended, clearly commented.
"""

from django.urls import path

from tisser.training import staff_views

app_name = "training"

urlpatterns = [
    # --- programmes and cohorts (helper P: staff_views.py) ---
    path("", staff_views.cohort_list, name="cohort_list"),
    path("groupes/nouveau/", staff_views.cohort_create, name="cohort_create"),
    path("groupes/<id:pk>/", staff_views.cohort_detail, name="cohort_detail"),
    path("groupes/<id:pk>/modifier/", staff_views.cohort_edit, name="cohort_edit"),
    path("groupes/<id:pk>/annuler/", staff_views.cohort_cancel, name="cohort_cancel"),
    path("groupes/<id:pk>/terminer/", staff_views.cohort_close, name="cohort_close"),
    path("seances/<id:pk>/deplacer/", staff_views.session_move, name="session_move"),
    path("programmes/", staff_views.programme_list, name="programme_list"),
    path("programmes/nouveau/", staff_views.programme_create, name="programme_create"),
    path("programmes/<id:pk>/", staff_views.programme_detail, name="programme_detail"),
    path("programmes/<id:pk>/modifier/", staff_views.programme_edit, name="programme_edit"),
    path(
        "programmes/<id:pk>/seances/ajouter/",
        staff_views.plan_session_add,
        name="plan_session_add",
    ),
    path("deroule/<id:pk>/modifier/", staff_views.plan_session_edit, name="plan_session_edit"),
    path("deroule/<id:pk>/deplacer/", staff_views.plan_session_move, name="plan_session_move"),
    path("deroule/<id:pk>/retirer/", staff_views.plan_session_remove, name="plan_session_remove"),
    # --- end of programmes and cohorts ---
]
