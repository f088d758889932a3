from django.urls import path

from tisser.website import figures_views, help_request_views, views, workshop_views

app_name = "website"

urlpatterns = [
    path("", views.home, name="home"),
    path("espaces/", views.directory, name="directory"),
    path("espaces/<slug:short_code>/", views.site_detail, name="site_detail"),
    path("demander-de-l-aide/", help_request_views.help_request_form, name="help_request"),
    path(
        "demander-de-l-aide/merci/", help_request_views.help_request_done, name="help_request_done"
    ),
    # The public agenda of workshops (issue 15, helper W).
    path("ateliers/", workshop_views.workshop_agenda, name="workshop_agenda"),
    path(
        "ateliers/<id:pk>/inscription/", workshop_views.workshop_register, name="workshop_register"
    ),
    path(
        "ateliers/<id:pk>/inscription/merci/",
        workshop_views.workshop_registered,
        name="workshop_registered",
    ),
    path("ateliers/annuler/<slug:token>/", workshop_views.workshop_cancel, name="workshop_cancel"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    # --- public figures (issue 16, helper PUBLIC) ---
    path("chiffres/", figures_views.figures, name="figures"),
    path("chiffres/lieux.csv", figures_views.places_csv, name="places_csv"),
    # --- end public figures ---
]
