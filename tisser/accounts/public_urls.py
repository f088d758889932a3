"""The invitation link sent by e-mail, mounted at /invitation/ (outside the staff area)."""

from django.urls import path

from tisser.accounts import views

app_name = "invitations"

urlpatterns = [
    path("<str:token>/", views.invitation_accept, name="accept"),
]
