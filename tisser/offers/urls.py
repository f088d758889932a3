from django.urls import path

from tisser.offers import import_views

app_name = "offers"

urlpatterns = [
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
