from django.urls import path

from tisser.learners import staff_views, views

app_name = "learners"

urlpatterns = [
    # The learner's side (no staff account).
    path("apprendre/", views.sign_in, name="sign_in"),
    path("apprendre/carte/<str:token>/", views.card_link, name="card"),
    path("apprendre/sortir/", views.sign_out, name="sign_out"),
    path("apprendre/accueil/", views.home, name="home"),
    # The team's side, from the person's file.
    path(
        "espace-pro/dossiers/<id:pk>/carte-apprenant/",
        staff_views.card_manage,
        name="card_manage",
    ),
    path(
        "espace-pro/dossiers/<id:pk>/carte-apprenant/montrer/",
        staff_views.card_show,
        name="card_show",
    ),
    path(
        "espace-pro/dossiers/<id:pk>/carte-apprenant/carte.pdf",
        staff_views.card_pdf,
        name="card_pdf",
    ),
    path("espace-pro/dossiers/<id:pk>/carte-apprenant/sms/", staff_views.card_sms, name="card_sms"),
    path(
        "espace-pro/dossiers/<id:pk>/carte-apprenant/desactiver/",
        staff_views.card_revoke,
        name="card_revoke",
    ),
    path(
        "espace-pro/apprenants/appareil-partage/",
        staff_views.shared_device,
        name="shared_device",
    ),
]
