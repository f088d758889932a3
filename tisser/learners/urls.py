from django.urls import path

from tisser.learners import views

app_name = "learners"

urlpatterns = [
    path("", views.sign_in, name="sign_in"),
    path("carte/<str:token>/", views.card_link, name="card"),
    path("sortir/", views.sign_out, name="sign_out"),
    path("accueil/", views.home, name="home"),
]
