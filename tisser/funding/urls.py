from django.urls import path

from tisser.funding import views

app_name = "funding"

urlpatterns = [
    path("donateurs/", views.donor_list, name="donor_list"),
    path("donateurs/nouveau/", views.donor_create, name="donor_create"),
    path("donateurs/<id:pk>/modifier/", views.donor_edit, name="donor_edit"),
    path("donateurs/<id:pk>/activation/", views.donor_toggle, name="donor_toggle"),
    path("conventions/", views.convention_list, name="convention_list"),
    path("conventions/nouvelle/", views.convention_create, name="convention_create"),
    path("conventions/<id:pk>/", views.convention_detail, name="convention_detail"),
    path("conventions/<id:pk>/modifier/", views.convention_edit, name="convention_edit"),
    path("conventions/<id:pk>/dotations/nouvelle/", views.dotation_create, name="dotation_create"),
    path("dotations/<id:pk>/modifier/", views.dotation_edit, name="dotation_edit"),
    path("lots/", views.lot_list, name="lot_list"),
    path("lots/nouveau/", views.lot_create, name="lot_create"),
    path("lots/<id:pk>/", views.lot_detail, name="lot_detail"),
    path("lots/<id:pk>/corriger/", views.lot_correct, name="lot_correct"),
    path("recus-fiscaux/", views.tax_receipt_list, name="tax_receipt_list"),
    path("recus-fiscaux/reglages/", views.tax_receipt_settings, name="tax_receipt_settings"),
    path("recus-fiscaux/emettre/", views.tax_receipt_issue, name="tax_receipt_issue"),
    path("recus-fiscaux/<id:pk>/", views.tax_receipt_detail, name="tax_receipt_detail"),
    path("recus-fiscaux/<id:pk>/pdf/", views.tax_receipt_pdf, name="tax_receipt_pdf"),
    path("recus-fiscaux/<id:pk>/annuler/", views.tax_receipt_cancel, name="tax_receipt_cancel"),
]
