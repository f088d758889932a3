from django.urls import path

from tisser.website import views

app_name = "website"

urlpatterns = [
    path("", views.home, name="home"),
    path("espaces/", views.directory, name="directory"),
    path("espaces/<slug:short_code>/", views.site_detail, name="site_detail"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("accessibilite/", views.accessibility, name="accessibility"),
]
