"""Mounted at /notifications/: the one public endpoint the SMS provider calls back."""

from django.urls import path

from tisser.notifications import views

app_name = "notifications"
urlpatterns = [
    path("sms/retour/", views.sms_callback, name="sms_callback"),
]
