from django.urls import path

from tisser.activities import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("nouvelle/", views.activity_create, name="create"),
    path("export/", views.activity_export, name="export"),
    path("<id:pk>/", views.activity_detail, name="detail"),
    path("<id:pk>/modifier/", views.activity_edit, name="edit"),
    path("<id:pk>/supprimer/", views.activity_delete, name="delete"),
]
