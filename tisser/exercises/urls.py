from django.urls import path

from tisser.exercises import views

app_name = "exercises"

urlpatterns = [
    path("", views.preview_list, name="preview_list"),
    path("<slug:key>/", views.preview_item, name="preview_item"),
]
