from django.urls import path

from tisser.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("journal/", views.journal, name="journal"),
]
