"""The surveys' public pages, under /avis/ (namespace ``surveys``): the short link of the
SMS (the token is the only key) and the signed-in learner's « Donner mon avis »."""

from django.urls import path

from tisser.training import survey_views

app_name = "surveys"

urlpatterns = [
    path("mes-questionnaires/", survey_views.mine, name="mine"),
    path("<str:token>/", survey_views.answer, name="answer"),
]
