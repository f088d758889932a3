from django.urls import path

from tisser.referrals import import_views

app_name = "imports"

urlpatterns = [
    path("", import_views.index, name="index"),
    path("<id:pk>/", import_views.preview, name="preview"),
    path("<id:pk>/confirmer/", import_views.confirm, name="confirm"),
]
