"""allauth's passkey forms with French labels, a passkey (sign-in without password) by default.

Plugged in through ``MFA_FORMS`` in the settings; the ceremony itself stays allauth's.
"""

from allauth.mfa.webauthn.forms import AddWebAuthnForm, EditWebAuthnForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

NAME_LABEL = _("Nom de la clé")
NAME_HELP = _(
    "Pour la reconnaître plus tard, par exemple « Téléphone de Léa » ou « Clé USB bleue »."
)
NAME_MAX_LENGTH = 100


def _french_name_field(form) -> None:
    name = form.fields["name"]
    name.label, name.help_text = NAME_LABEL, NAME_HELP
    name.validators.append(MaxLengthValidator(NAME_MAX_LENGTH))
    name.widget.attrs["maxlength"] = str(NAME_MAX_LENGTH)


class TisserAddWebAuthnForm(AddWebAuthnForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _french_name_field(self)
        if "passwordless" in self.fields:
            passwordless = self.fields["passwordless"]
            passwordless.label = _("Me connecter avec cette clé seule, sans mot de passe")
            passwordless.help_text = _(
                "La clé vous demande alors votre code PIN, votre empreinte ou votre visage. "
                "Décochez pour une clé de sécurité sans code PIN : elle servira en plus du "
                "mot de passe."
            )
            passwordless.initial = True


class TisserEditWebAuthnForm(EditWebAuthnForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _french_name_field(self)
