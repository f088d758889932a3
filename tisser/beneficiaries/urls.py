from django.urls import path

from tisser.beneficiaries import views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.search, name="search"),
    path("nouveau/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/fusionner/", views.merge, name="merge"),
    path("<int:pk>/consentements/donner/", views.consent_give, name="consent_give"),
    path("<int:pk>/consentements/retirer/", views.consent_withdraw, name="consent_withdraw"),
]
