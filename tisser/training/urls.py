"""The staff pages of programmes, cohorts and workshops, under /espace-pro/formations/
(namespace ``training``). Each helper appends its routes in its own block."""

from django.urls import path

from tisser.training import workshop_views

app_name = "training"

urlpatterns = [
    # Workshops (helper W)
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
