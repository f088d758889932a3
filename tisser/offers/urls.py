from django.urls import path

from tisser.offers import catalogue_views, flow_views, import_views, stock_views

app_name = "offers"

# --- stock (issue 10, stock) -----------------------------------------------------------------
stock_urlpatterns = [
    path("", stock_views.stock_list, name="stock_list"),
    path("appareils/", stock_views.device_search, name="device_search"),
    path("appareils/<id:pk>/", stock_views.device_detail, name="device_detail"),
    path("appareils/<id:pk>/statut/", stock_views.device_status, name="device_status"),
    path("appareils/<id:pk>/reserver/", stock_views.device_reserve, name="device_reserve"),
    path("appareils/<id:pk>/sortie/", stock_views.device_write_off, name="device_write_off"),
    path("codes/", stock_views.voucher_overview, name="voucher_overview"),
    path("mouvements/", stock_views.movement_list, name="movement_list"),
    path("mouvements/export/", stock_views.movement_export, name="movement_export"),
    path("reservations/", stock_views.reservation_list, name="reservation_list"),
    path(
        "reservations/<id:pk>/liberer/",
        stock_views.reservation_release,
        name="reservation_release",
    ),
    path("retours/", stock_views.stock_return, name="stock_return"),
    path("sorties/", stock_views.stock_out, name="stock_out"),
    path("seuils/", stock_views.thresholds, name="thresholds"),
    path("inventaires/", stock_views.count_list, name="count_list"),
    path("inventaires/<id:pk>/", stock_views.count_detail, name="count_detail"),
    path("inventaires/<id:pk>/cloturer/", stock_views.count_close, name="count_close"),
]
# --- end stock -------------------------------------------------------------------------------

urlpatterns = [
    *stock_urlpatterns,
    # --- flow: imports, transfers, hub orders, catalogue (decision 0040) ---
    path("imports/", import_views.index, name="import_index"),
    path("receptions/nouvelle/", import_views.receive_one, name="receive_one"),
    path("imports/<id:pk>/", import_views.preview, name="import_preview"),
    path("imports/<id:pk>/confirmer/", import_views.confirm, name="import_confirm"),
    path(
        "imports/modele-appareils.csv",
        import_views.template_devices,
        name="import_template_devices",
    ),
    path(
        "imports/modele-codes.csv", import_views.template_vouchers, name="import_template_vouchers"
    ),
    path("transferts/", flow_views.transfer_list, name="transfer_list"),
    path("transferts/nouveau/", flow_views.transfer_create, name="transfer_create"),
    path("transferts/<id:pk>/", flow_views.transfer_detail, name="transfer_detail"),
    path("transferts/<id:pk>/recevoir/", flow_views.transfer_receive, name="transfer_receive"),
    path("transferts/<id:pk>/annuler/", flow_views.transfer_cancel, name="transfer_cancel"),
    path("commandes/", flow_views.hub_order_list, name="hub_order_list"),
    path("commandes/nouvelle/", flow_views.hub_order_create, name="hub_order_create"),
    path("commandes/<id:pk>/", flow_views.hub_order_detail, name="hub_order_detail"),
    path("commandes/<id:pk>/preparer/", flow_views.hub_order_prepare, name="hub_order_prepare"),
    path("commandes/<id:pk>/expedier/", flow_views.hub_order_ship, name="hub_order_ship"),
    path("commandes/<id:pk>/recevoir/", flow_views.hub_order_receive, name="hub_order_receive"),
    path("commandes/<id:pk>/annuler/", flow_views.hub_order_cancel, name="hub_order_cancel"),
    path("atelier/", flow_views.hub_settings, name="hub_settings"),
    path("offres/", catalogue_views.offer_list, name="catalogue"),
    path("offres/nouvelle/", catalogue_views.offer_create, name="offer_create"),
    path("offres/<id:pk>/modifier/", catalogue_views.offer_edit, name="offer_edit"),
    path("offres/<id:pk>/desactiver/", catalogue_views.offer_deactivate, name="offer_deactivate"),
    # --- end of flow ---
]
