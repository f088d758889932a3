"""The helper's pages, under /espace-pro/modules/ (namespace ``modules``)."""

from django.urls import path

from tisser.learning import staff_views

app_name = "modules"

urlpatterns = [
    path("", staff_views.catalogue, name="catalogue"),
    path("apercu/<slug:key>/", staff_views.preview, name="preview"),
    path("dossier/<id:pk>/", staff_views.person, name="person"),
    path("dossier/<id:pk>/donner/", staff_views.person_assign, name="person_assign"),
    path("dossier/<id:pk>/retirer/", staff_views.person_withdraw, name="person_withdraw"),
    path("dossier/<id:pk>/rappel/", staff_views.person_nudge, name="person_nudge"),
    path("dossier/<id:pk>/feuille.pdf", staff_views.person_sheet, name="person_sheet"),
    path("diagnostic/<id:pk>/donner/", staff_views.diagnostic_assign, name="diagnostic_assign"),
    path("groupes/", staff_views.group_list, name="group_list"),
    path("groupes/<id:pk>/", staff_views.group, name="group"),
    path("groupes/<id:pk>/ajouter/", staff_views.group_member_add, name="group_member_add"),
    path("groupes/<id:pk>/enlever/", staff_views.group_member_remove, name="group_member_remove"),
    path("groupes/<id:pk>/donner/", staff_views.group_assign, name="group_assign"),
]
