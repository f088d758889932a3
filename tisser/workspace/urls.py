from django.urls import path

from tisser.workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("journal/", views.journal, name="journal"),
    path("journal/export.csv", views.journal_export, name="journal_export"),
    path("agenda/", views.agenda, name="agenda"),
]
