from django.urls import path

from tisser.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sans-role/", views.no_membership, name="no_membership"),
    path("changer-d-organisation/", views.switch_membership, name="switch_membership"),
]
