"""Forms of the import pages: the upload (file and target space) and the confirmation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.core.ids import IdChoiceField
from tisser.referrals.imports.reading import MAX_FILE_BYTES
from tisser.referrals.imports.scope import SITE_TEAM_ROLES, import_partners, import_target_sites


class ImportUploadForm(forms.Form):
    partner = IdChoiceField(
        label=_("Partenaire qui oriente ces personnes"),
        queryset=None,
        empty_label=_("Choisissez un partenaire"),
        help_text=_(
            "Le partenaire sera l'expéditeur des bons d'orientation. Seuls les partenaires "
            "validés du réseau sont proposés."
        ),
        error_messages={
            "required": _("Choisissez le partenaire pour lequel vous importez la liste."),
            "invalid_choice": _("Choisissez un partenaire validé du réseau dans la liste."),
        },
    )
    file = forms.FileField(
        label=_("Fichier de la liste (CSV ou Excel .xlsx, 5 Mo au plus)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    site = IdChoiceField(
        label=_("Espace qui recevra les personnes"),
        required=False,
        queryset=None,
        empty_label=_("L'espace le plus proche de chaque personne (selon son code postal)"),
        help_text=_("Vous pouvez aussi envoyer toute la liste au même espace."),
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        if membership.role == Role.NETWORK_ADMIN:
            self.fields["partner"].queryset = import_partners(membership)
        else:
            del self.fields["partner"]  # the others import for their own organisation
        if membership.role in SITE_TEAM_ROLES:
            del self.fields["site"]  # site staff import into their own space
        else:
            self.fields["site"].queryset = import_target_sites(membership)
            self.fields["site"].label_from_instance = lambda site: f"{site.name} ({site.city})"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse 5 Mo : découpez la liste en plusieurs fichiers.")
            )
        return upload


class ImportConfirmForm(forms.Form):
    notice_given = forms.BooleanField(
        label=_(
            "Je confirme que chaque personne de cette liste a reçu la notice d'information "
            "sur ses données et sait qu'un espace va la contacter."
        ),
        error_messages={
            "required": _(
                "Confirmez que les personnes de la liste ont reçu la notice d'information."
            )
        },
    )
