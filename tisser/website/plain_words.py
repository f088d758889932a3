"""The national service codes said in plain words for the public pages.

Sites store the labels of the national standard (reference-lists §2.1, ``PlaceService``):
exports keep them as they are, but "Maîtrise des outils numériques du quotidien" means
little to someone who wants help with their phone. The public pages show these instead.
"""

from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import PlaceService

PLAIN_SERVICE_WORDS = {
    PlaceService.AIDE_DEMARCHES: _("Faire vos démarches en ligne (CAF, impôts, santé, emploi…)"),
    PlaceService.OUTILS_QUOTIDIEN: _(
        "Apprendre à utiliser un téléphone, une tablette ou un ordinateur"
    ),
    PlaceService.INSERTION_PRO: _("Chercher un emploi ou une formation sur internet"),
    PlaceService.USAGE_SECURISE: _("Se protéger des arnaques et garder ses données en sécurité"),
    PlaceService.PARENTALITE: _("Suivre la scolarité de vos enfants en ligne"),
    PlaceService.LOISIRS: _("Ateliers photo, vidéo et loisirs numériques"),
    PlaceService.COMPREHENSION: _("Comprendre internet et le monde numérique"),
    PlaceService.ACCES_INTERNET: _("Utiliser un ordinateur et internet sur place"),
    PlaceService.MATERIEL_SOLIDAIRE: _("Acheter un ordinateur ou un téléphone à petit prix"),
}


def plain_service(code: str) -> str:
    """Plain words for a national service code; an unknown code is shown as stored."""
    return str(PLAIN_SERVICE_WORDS.get(code, code))
