"""Staff pages of programmes, cohorts, workshops and attendance, under /espace-pro/formations/.

Each helper appends its routes in its own commented block.
"""

from django.urls import path

from tisser.training import attendance_views

app_name = "training"

urlpatterns = []

# Roll call and attendance (helper R)
urlpatterns += [
    path("seances/<id:pk>/appel/", attendance_views.roll_call, name="roll_call"),
    path(
        "seances/<id:pk>/presences/",
        attendance_views.session_attendance,
        name="session_attendance",
    ),
    path(
        "seances/<id:pk>/emargement.pdf",
        attendance_views.signature_sheet,
        name="signature_sheet",
    ),
    path("groupes/<id:pk>/heures/", attendance_views.cohort_hours_page, name="cohort_hours"),
    path(
        "inscriptions/<id:pk>/attestation/",
        attendance_views.certificate_issue,
        name="certificate_issue",
    ),
    path(
        "inscriptions/<id:pk>/attestation.pdf",
        attendance_views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("ateliers/<id:pk>/appel/", attendance_views.workshop_roll_call, name="workshop_roll_call"),
]
