from django.urls import path

from tisser.sales import views

app_name = "sales"

urlpatterns = [
    path("", views.right_list, name="right_list"),
    path("personne/<id:beneficiary_id>/", views.person, name="person"),
    path("personne/<id:beneficiary_id>/ouvrir/", views.right_open, name="right_open"),
    path("<id:pk>/", views.right_detail, name="right_detail"),
    path("<id:pk>/suspendre/", views.right_suspend, name="right_suspend"),
    path("<id:pk>/reprendre/", views.right_resume, name="right_resume"),
    path("<id:pk>/clore/", views.right_close, name="right_close"),
    path("<id:pk>/renouvellement/", views.renewal_request, name="renewal_request"),
    path("renouvellements/<id:pk>/", views.renewal_decide, name="renewal_decide"),
    path("quotas/", views.rule_list, name="rule_list"),
    path("quotas/nouvelle/", views.rule_create, name="rule_create"),
    path("quotas/<id:pk>/", views.rule_edit, name="rule_edit"),
    path("reglages/", views.settings_edit, name="settings"),
]
