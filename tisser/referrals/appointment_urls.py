from django.urls import path

from tisser.referrals import appointment_views

app_name = "appointments"

urlpatterns = [
    path("nouveau/", appointment_views.book, name="book"),
    path("<id:pk>/venu/", appointment_views.came, name="came"),
    path("<id:pk>/venu-en-avance/", appointment_views.came_early, name="came_early"),
    path("<id:pk>/pas-venu/", appointment_views.no_show, name="no_show"),
    path("<id:pk>/reporter/", appointment_views.postpone, name="postpone"),
]
