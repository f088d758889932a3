from django.urls import path

from tisser.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sans-role/", views.no_membership, name="no_membership"),
    path("changer-d-organisation/", views.switch_membership, name="switch_membership"),
    # Sites
    path("espaces/", views.site_list, name="site_list"),
    path("espaces/nouveau/", views.site_create, name="site_create"),
    path("espaces/<id:pk>/modifier/", views.site_edit, name="site_edit"),
    # Exceptional closures of the manager's site
    path("fermetures/", views.closure_list, name="closure_list"),
    path("fermetures/<id:pk>/supprimer/", views.closure_delete, name="closure_delete"),
    # Partners
    path("partenaires/", views.partner_list, name="partner_list"),
    path("partenaires/nouveau/", views.partner_create, name="partner_create"),
    path("partenaires/<id:pk>/modifier/", views.partner_edit, name="partner_edit"),
    # Funders and donors
    path("financeurs/", views.funder_list, name="funder_list"),
    path("financeurs/nouveau/", views.funder_create, name="funder_create"),
    path("financeurs/<id:pk>/modifier/", views.funder_edit, name="funder_edit"),
    # Members
    path("membres/", views.member_list, name="member_list"),
    path("membres/inviter/", views.member_invite, name="member_invite"),
    path("membres/<id:pk>/role/", views.member_role, name="member_role"),
    path("membres/<id:pk>/desactiver/", views.member_deactivate, name="member_deactivate"),
    path("membres/<id:pk>/reactiver/", views.member_reactivate, name="member_reactivate"),
    # Invitations
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/<id:pk>/annuler/", views.invitation_revoke, name="invitation_revoke"),
]
