"""The training pages, under /espace-pro/formations/ (namespace ``training``).

Shared by the helpers of issue 15: each keeps its routes in its own commented block.
"""

from django.urls import path

from tisser.training import enrolment_views

app_name = "training"

urlpatterns = []

# Enrolment (helper E)
urlpatterns += [
    path(
        "groupes/<id:pk>/inscriptions/",
        enrolment_views.cohort_enrolments,
        name="cohort_enrolments",
    ),
    path("groupes/<id:pk>/inscrire/", enrolment_views.cohort_enrol, name="cohort_enrol"),
    path(
        "groupes/<id:pk>/inscrire/bon/<id:referral_pk>/",
        enrolment_views.cohort_enrol_referral,
        name="cohort_enrol_referral",
    ),
    path("inscriptions/<id:pk>/abandon/", enrolment_views.enrolment_drop, name="enrolment_drop"),
    path("dossiers/<id:pk>/inscrire/", enrolment_views.enrol_person, name="enrol_person"),
]
# End of enrolment (helper E)
