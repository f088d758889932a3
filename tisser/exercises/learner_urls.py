from django.urls import path

from tisser.exercises import learner_views

app_name = "practice"

urlpatterns = [
    path("", learner_views.practice_start, name="start"),
    path("<slug:key>/", learner_views.practice_item, name="item"),
]
