"""The team's training pages, under /espace-pro/formations/ (namespace ``training``).

Shared by the helpers of issue 15: each block is appended, clearly commented.
"""

from django.urls import path

from tisser.training import (
    attendance_views,
    dashboard_views,
    enrolment_views,
    staff_views,
    survey_views,
    workshop_views,
)

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

# --- Surveys (helper S: survey_views.py) ---
urlpatterns += [
    path("questionnaires/tablette/", survey_views.tablet, name="survey_tablet"),
    path("questionnaires/<id:pk>/tablette/", survey_views.kiosk, name="survey_kiosk"),
    path("questionnaires/<id:pk>/qr/", survey_views.qr, name="survey_qr"),
]
# --- end of surveys ---

# Workshops (helper W)
urlpatterns += [
    path("ateliers/", workshop_views.workshop_list, name="workshop_list"),
    path("ateliers/nouveau/", workshop_views.workshop_create, name="workshop_create"),
    path("ateliers/<id:pk>/", workshop_views.workshop_detail, name="workshop_detail"),
    path("ateliers/<id:pk>/modifier/", workshop_views.workshop_edit, name="workshop_edit"),
    path("ateliers/<id:pk>/annuler/", workshop_views.workshop_cancel, name="workshop_cancel"),
    path("ateliers/<id:pk>/inscrire/", workshop_views.workshop_register, name="workshop_register"),
    path(
        "ateliers/inscriptions/<id:pk>/annuler/",
        workshop_views.registration_cancel,
        name="workshop_registration_cancel",
    ),
]

# Dashboard (helper D)
urlpatterns += [
    path("tableau-de-bord/", dashboard_views.programme_dashboard, name="dashboard"),
    path(
        "tableau-de-bord/export.xlsx",
        dashboard_views.programme_dashboard_export,
        name="dashboard_export",
    ),
    path("personnes-orientees/", dashboard_views.referred_people, name="referred_people"),
]
