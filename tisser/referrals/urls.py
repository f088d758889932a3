from django.urls import path

from tisser.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.index, name="index"),
    # Partner portal
    path("mes-orientations/", views.partner_list, name="partner_list"),
    path("nouvelle/", views.create, name="create"),
    path("espace-le-plus-proche/", views.suggest_site, name="suggest_site"),
    path("offres-de-l-espace/", views.site_offers_fragment, name="site_offers"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/modifier/", views.edit, name="edit"),
    path("<id:pk>/recapitulatif.pdf", views.summary_pdf, name="summary_pdf"),
    path("<id:pk>/annuler/", views.cancel, name="cancel"),
    # Site inbox
    path("a-traiter/", views.inbox, name="inbox"),
    path("demandes-d-aide-en-retard/", views.help_requests_late, name="help_requests_late"),
    path("<id:pk>/accepter/", views.accept, name="accept"),
    path("<id:pk>/refuser/", views.reject, name="reject"),
    path("<id:pk>/deplacer-le-rendez-vous/", views.rebook, name="rebook"),
    path("<id:pk>/personne-venue/", views.mark_came, name="mark_came"),
    path("<id:pk>/personne-absente/", views.mark_no_show, name="mark_no_show"),
    path("<id:pk>/transferer/", views.transfer, name="transfer"),
    # Moderation (network admins)
    path("moderation/", views.moderation_list, name="moderation_list"),
    path("<id:pk>/moderation/transmettre/", views.moderation_approve, name="moderation_approve"),
    path("<id:pk>/moderation/refuser/", views.moderation_reject, name="moderation_reject"),
    path("partenaires/<id:pk>/valider/", views.partner_validate, name="partner_validate"),
]
