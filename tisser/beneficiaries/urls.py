from django.urls import path

from tisser.beneficiaries import views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.search, name="search"),
    path("nouveau/", views.create, name="create"),
    path("notice-information.pdf", views.notice_pdf, name="notice_pdf"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/modifier/", views.edit, name="edit"),
    path("<id:pk>/fusionner/", views.merge, name="merge"),
    path("<id:pk>/anonymiser/", views.anonymise, name="anonymise"),
    path("<id:pk>/consentements/donner/", views.consent_give, name="consent_give"),
    path("<id:pk>/consentements/retirer/", views.consent_withdraw, name="consent_withdraw"),
    path("<id:pk>/accompagnement/ouvrir/", views.period_open, name="period_open"),
    path("<id:pk>/accompagnement/terminer/", views.period_close, name="period_close"),
    path("<id:pk>/notes/", views.notes, name="notes"),
    path("<id:pk>/foyer/", views.household, name="household"),
    path("<id:pk>/foyer/quitter/", views.household_leave, name="household_leave"),
]
