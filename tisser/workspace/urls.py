from django.urls import path

from tisser.workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("journal/", views.journal, name="journal"),
    path("agenda/", views.agenda, name="agenda"),
]
