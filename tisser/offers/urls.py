from django.urls import path

from tisser.offers import import_views, stock_views

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
    # --- end of flow ---
]
