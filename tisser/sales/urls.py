from django.urls import path

from tisser.sales import after_sale_views, cash_views, counter_views, views

app_name = "sales"

urlpatterns = [
    path("droits/", views.right_list, name="right_list"),
    path("droits/personne/<id:beneficiary_id>/", views.person, name="person"),
    path("droits/personne/<id:beneficiary_id>/ouvrir/", views.right_open, name="right_open"),
    path("droits/<id:pk>/", views.right_detail, name="right_detail"),
    path("droits/<id:pk>/suspendre/", views.right_suspend, name="right_suspend"),
    path("droits/<id:pk>/reprendre/", views.right_resume, name="right_resume"),
    path("droits/<id:pk>/clore/", views.right_close, name="right_close"),
    path("droits/<id:pk>/renouvellement/", views.renewal_request, name="renewal_request"),
    path("droits/renouvellements/<id:pk>/", views.renewal_decide, name="renewal_decide"),
    path("droits/quotas/", views.rule_list, name="rule_list"),
    path("droits/quotas/nouvelle/", views.rule_create, name="rule_create"),
    path("droits/quotas/<id:pk>/", views.rule_edit, name="rule_edit"),
    path("droits/reglages/", views.settings_edit, name="settings"),
    # The counter sale (decision 0049).
    path("comptoir/", counter_views.counter_home, name="counter"),
    path("comptoir/reglages/", counter_views.counter_settings, name="counter_settings"),
    path(
        "comptoir/personne/<id:beneficiary_id>/",
        counter_views.counter_person,
        name="counter_person",
    ),
    path(
        "comptoir/personne/<id:beneficiary_id>/ajouter/",
        counter_views.counter_add,
        name="counter_add",
    ),
    path("comptoir/ventes/", counter_views.sale_list, name="sale_list"),
    path("comptoir/ventes/<id:pk>/", counter_views.sale_detail, name="sale_detail"),
    path(
        "comptoir/ventes/<id:pk>/retirer/",
        counter_views.sale_remove_line,
        name="sale_remove_line",
    ),
    path("comptoir/ventes/<id:pk>/confirmer/", counter_views.sale_confirm, name="sale_confirm"),
    path("comptoir/ventes/<id:pk>/payer/", counter_views.sale_pay, name="sale_pay"),
    path("comptoir/ventes/<id:pk>/annuler/", counter_views.sale_cancel, name="sale_cancel"),
    path(
        "comptoir/ventes/<id:pk>/ticket.pdf",
        counter_views.sale_receipt_pdf,
        name="sale_receipt_pdf",
    ),
]

# After the sale (decision 0050): box subscriptions, returns, the daily cash closing.
urlpatterns += [
    path("comptoir/box/", after_sale_views.box_list, name="box_list"),
    path("comptoir/box/<id:pk>/", after_sale_views.box_detail, name="box_detail"),
    path("comptoir/box/<id:pk>/mensualites/", after_sale_views.box_fees, name="box_fees"),
    path("comptoir/box/<id:pk>/terminer/", after_sale_views.box_end, name="box_end"),
    path("comptoir/box/<id:pk>/rendue/", after_sale_views.box_return, name="box_return"),
    path(
        "comptoir/ventes/<id:sale_id>/retour/", after_sale_views.return_create, name="return_create"
    ),
    path("comptoir/retours/", after_sale_views.return_list, name="return_list"),
    path("comptoir/retours/<id:pk>/", after_sale_views.return_detail, name="return_detail"),
    path(
        "comptoir/retours/<id:pk>/bon.pdf", after_sale_views.return_slip_pdf, name="return_slip_pdf"
    ),
    path("comptoir/caisse/", cash_views.cash_list, name="cash_list"),
    path("comptoir/caisse/<id:pk>/", cash_views.cash_detail, name="cash_detail"),
    path("comptoir/caisse/espace/<id:site_id>/cloturer/", cash_views.cash_close, name="cash_close"),
]
