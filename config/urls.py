from django.contrib import admin
from django.urls import include, path

from tisser.core.health import health

urlpatterns = [
    # For load balancers and monitoring (tisser/core/health.py).
    path("sante/", health, name="health"),
    path("", include("tisser.website.urls")),
    path("compte/", include("allauth.urls")),
    path("espace-pro/", include("tisser.workspace.urls")),
    path("espace-pro/", include("tisser.accounts.urls")),
    path("espace-pro/dossiers/", include("tisser.beneficiaries.urls")),
    path("espace-pro/orientations/", include("tisser.referrals.urls")),
    path("espace-pro/imports/", include("tisser.referrals.import_urls")),
    path("espace-pro/rendez-vous/", include("tisser.referrals.appointment_urls")),
    path("espace-pro/activites/", include("tisser.activities.urls")),
    path("espace-pro/exercices/", include("tisser.exercises.urls")),
    path("espace-pro/diagnostics/", include("tisser.diagnostics.urls")),
    path("espace-pro/modules/", include("tisser.learning.urls")),
    # Access rights (droits/…) and the counter with what follows a sale (comptoir/…).
    path("espace-pro/", include("tisser.sales.urls")),
    path("espace-pro/stock/", include("tisser.offers.urls")),
    # /apprendre/ (learners) and the learner cards under /espace-pro/dossiers/<id>/.
    path("", include("tisser.learners.urls")),
    path("apprendre/exercices/", include("tisser.exercises.learner_urls")),
    path("apprendre/diagnostic/", include("tisser.diagnostics.learner_urls")),
    path("apprendre/modules/", include("tisser.learning.learner_urls")),
    path("espace-pro/financements/", include("tisser.funding.urls")),
    # Programmes, cohorts, workshops (issue 15, decision 0054).
    path("espace-pro/formations/", include("tisser.training.urls")),
    path("invitation/", include("tisser.accounts.public_urls")),
    path("notifications/", include("tisser.notifications.urls")),
    # The surveys' short links and the learner's « Donner mon avis » (issue 15, helper S).
    path("avis/", include("tisser.training.survey_urls")),
    # The figures: dashboards, glossary, exports and reports (issue 16, decision 0055).
    path("espace-pro/chiffres/", include("tisser.reporting.urls")),
    path("admin/", admin.site.urls),
]

# French error pages in the site's layout (tisser/core/error_pages.py). allauth's rate
# limits answer through handler429 too.
handler400 = "tisser.core.error_pages.bad_request"
handler403 = "tisser.core.error_pages.permission_denied"
handler404 = "tisser.core.error_pages.page_not_found"
handler429 = "tisser.core.error_pages.too_many_requests"
handler500 = "tisser.core.error_pages.server_error"
