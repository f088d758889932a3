"""Forms of the file pages: parse and validate, then the view calls one service."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tisser.beneficiaries import selectors
from tisser.beneficiaries.enums import (
    ASKED_CRITERIA,
    CRITERION_EXPLANATIONS,
    CURRENT_NOTICE_VERSION,
    DERIVED_CRITERIA,
    ConsentKind,
    EligibilityCriterion,
    PeriodCloseReason,
    age_criteria,
)
from tisser.beneficiaries.models import Beneficiary
from tisser.beneficiaries.services import BENEFICIARY_FIELDS
from tisser.core import clock
from tisser.core.choices import in_choice_order
from tisser.core.forms import ExplainedCheckboxSelectMultiple
from tisser.core.ids import IdChoiceField
from tisser.core.phones import normalize_phone
from tisser.core.validators import reject_nir


class YesNoUnknownSelect(forms.NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("Non communiqué")), ("true", _("Oui")), ("false", _("Non"))]


class YesNoUnknownField(forms.NullBooleanField):
    widget = YesNoUnknownSelect


# --- the person's situation: one question per fact -----------------------------------------
# Being registered as a jobseeker and for how long is one question (it sets ``is_jobseeker``
# and the DELD / DETLD criteria); the age criteria follow from the birth year. The other
# criteria are boxes, each explained in one sentence (docs/decisions/0035-…).

JOBSEEKER_UNKNOWN, JOBSEEKER_NO, JOBSEEKER_YES = "", "no", "yes"
JOBSEEKER_ANSWERS = [
    (JOBSEEKER_UNKNOWN, _("Je ne sais pas")),
    (JOBSEEKER_NO, _("Non")),
    (JOBSEEKER_YES, _("Oui, depuis moins de 12 mois")),
    (EligibilityCriterion.DELD.value, _("Oui, depuis 12 à 24 mois")),
    (EligibilityCriterion.DETLD.value, _("Oui, depuis 24 mois ou plus")),
]


def jobseeker_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Inscrit(e) à France Travail comme demandeur d'emploi ?"),
        choices=JOBSEEKER_ANSWERS,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Répondez selon l'inscription, pas selon la situation : une personne sans emploi "
            "n'est pas toujours inscrite."
        ),
    )


def criteria_field(label) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=ASKED_CRITERIA,
        required=False,
        widget=ExplainedCheckboxSelectMultiple(explanations=CRITERION_EXPLANATIONS),
        help_text=_(
            "Ne cochez que ce que la personne vous a dit et qui sert à l'orienter. "
            "L'âge et la durée d'inscription se déduisent des réponses ci-dessus."
        ),
    )


def situation_initial(instance) -> dict:
    """The two questions as the form shows them for a stored ``is_jobseeker`` and criteria."""
    criteria = list(instance.eligibility_criteria or ())
    if EligibilityCriterion.DETLD in criteria:
        answer = EligibilityCriterion.DETLD.value
    elif EligibilityCriterion.DELD in criteria:
        answer = EligibilityCriterion.DELD.value
    else:
        answer = {True: JOBSEEKER_YES, False: JOBSEEKER_NO}.get(
            instance.is_jobseeker, JOBSEEKER_UNKNOWN
        )
    return {
        "is_jobseeker": answer,
        "eligibility_criteria": [code for code in criteria if code not in DERIVED_CRITERIA],
    }


def situation_cleaned(cleaned: dict) -> None:
    """Turn the jobseeker answer into ``is_jobseeker`` and add the derived criteria."""
    answer = cleaned.get("is_jobseeker") or JOBSEEKER_UNKNOWN
    cleaned["is_jobseeker"] = None if answer == JOBSEEKER_UNKNOWN else answer != JOBSEEKER_NO
    criteria = [c for c in cleaned.get("eligibility_criteria") or () if c not in DERIVED_CRITERIA]
    if answer in (EligibilityCriterion.DELD, EligibilityCriterion.DETLD):
        criteria.append(answer)
    criteria += age_criteria(cleaned.get("birth_year"), clock.localdate().year)
    cleaned["eligibility_criteria"] = in_choice_order(criteria, EligibilityCriterion)


class PersonFieldsMixin:
    """The cleaning of the person's fields shared by the file form and the referral form:
    names with single spaces, the phone in E.164 (a wrong number: a French error)."""

    cleaned_data: dict

    def clean_first_name(self):
        return " ".join((self.cleaned_data.get("first_name") or "").split())

    def clean_last_name(self):
        return " ".join((self.cleaned_data.get("last_name") or "").split())

    def clean_phone(self):
        return normalize_phone(self.cleaned_data.get("phone") or "")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Nom, téléphone ou numéro de dossier"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Exemples : Dupont Marie, 06 12 34 56 78, STR-000042."),
    )


class BeneficiaryForm(PersonFieldsMixin, forms.ModelForm):
    """The person's identity, contact and situation, bounded by the CNIL rules."""

    last_name = forms.CharField(label=_("Nom"), max_length=100, validators=[reject_nir])
    is_jobseeker = jobseeker_field()
    asylum_request = YesNoUnknownField(
        label=_("Demande d'asile déposée"),
        required=False,
        help_text=_("Seulement si l'aide en dépend. Rien de plus précis n'est demandé."),
    )
    eligibility_criteria = criteria_field(_("Critères déclarés par la personne (facultatif)"))
    notice_given_on = forms.DateField(
        label=_("Notice d'information remise le"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Beneficiary
        fields = BENEFICIARY_FIELDS
        labels = {
            "first_name": _("Prénom"),
            "birth_year": _("Année de naissance"),
            "phone": _("Téléphone"),
            "email": _("E-mail"),
            "preferred_channel": _("Moyen de contact préféré"),
            "postal_code": _("Code postal"),
            "commune": _("Commune"),
            "social_status": _("Situation"),
            "nationality": _("Nationalité"),
            "notice_version": _("Version de la notice"),
        }
        help_texts = {
            "birth_year": _("Par exemple 1978. L'âge exact n'est pas demandé."),
            "phone": _("Par exemple 06 12 34 56 78."),
            "nationality": _(
                "Seulement si l'aide dépend du titre de séjour : française, Union "
                "européenne ou hors Union européenne."
            ),
        }
        widgets = {
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = [
            ("", _("Non communiquée")),
            *self.fields["nationality"].choices[1:],
        ]
        if not self.instance.pk:
            self.fields["notice_given_on"].initial = clock.localdate()
            self.fields["notice_version"].initial = CURRENT_NOTICE_VERSION
        for name in ("first_name", "last_name", "commune", "email"):
            self.fields[name].widget.attrs.setdefault("autocomplete", "off")
        if self.instance.pk:
            self.initial.update(situation_initial(self.instance))

    def clean(self):
        cleaned = super().clean()
        situation_cleaned(cleaned)
        return cleaned

    def clean_notice_given_on(self):
        value = self.cleaned_data["notice_given_on"]
        if value > clock.localdate():
            raise ValidationError(_("La date de remise de la notice ne peut pas être future."))
        return value

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in BENEFICIARY_FIELDS}


class WalkInForm(BeneficiaryForm):
    """A file opened at the counter, with the consents and the duplicate confirmation."""

    site = IdChoiceField(label=_("Espace"), queryset=None, empty_label=None)
    consents = forms.MultipleChoiceField(
        label=_("La personne accepte aussi (facultatif, un choix par usage)"),
        choices=ConsentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notice_confirmed = forms.BooleanField(
        label=_("J'ai remis la notice d'information à la personne et lui ai expliqué ses droits."),
        error_messages={
            "required": _("La notice d'information doit être remise avant d'ouvrir le dossier.")
        },
    )
    confirm_new = forms.BooleanField(
        label=_(
            "J'ai vérifié avec la personne : ce n'est aucun de ces dossiers. "
            "Créer quand même un nouveau dossier."
        ),
        required=False,
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        sites = selectors.creatable_sites(membership=membership)
        self.own_site = None
        if membership.role == "network_admin":
            self.fields["site"].queryset = sites
            self.order_fields(["site"])
        else:
            # Site staff always open files for their own site: no choice to make.
            del self.fields["site"]
            self.own_site = sites.filter(pk=membership.organisation_id).first()

    def clean(self):
        cleaned = super().clean()
        if "site" not in self.fields:
            if self.own_site is None:
                raise ValidationError(
                    _("Votre espace est fermé : aucun dossier ne peut y être ouvert.")
                )
            cleaned["site"] = self.own_site
        return cleaned


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Consentement"), choices=ConsentKind.choices)


class MergeForm(forms.Form):
    """Pick the duplicate (among the candidates, or by its file number), say why, confirm."""

    duplicate = forms.TypedChoiceField(
        label=_("Dossier en double"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )
    file_number = forms.CharField(
        label=_("Ou son numéro de dossier"),
        required=False,
        max_length=20,
        help_text=_("Par exemple STR-000042, si le doublon n'est pas proposé ci-dessus."),
    )
    reason = forms.CharField(
        label=_("Pourquoi ces deux dossiers sont la même personne"),
        max_length=500,
        validators=[reject_nir],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Un constat factuel, par exemple : même personne, nom mal orthographié."),
    )
    confirm = forms.BooleanField(
        label=_(
            "Je confirme : tout ce qui est rattaché au doublon passe dans ce dossier, "
            "et le doublon ne sera plus proposé."
        ),
        error_messages={"required": _("Cochez la case pour confirmer la fusion.")},
    )

    def __init__(self, *args, membership, beneficiary, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.beneficiary = beneficiary
        self.fields["duplicate"].choices = [
            (c.beneficiary.pk, str(c.beneficiary)) for c in candidates
        ]
        self.duplicate_file = None

    def clean(self):
        cleaned = super().clean()
        pk = cleaned.get("duplicate")
        number = (cleaned.get("file_number") or "").strip()
        if pk and number:
            raise ValidationError(
                _("Choisissez un dossier proposé ou tapez un numéro, pas les deux.")
            )
        if not pk and not number:
            raise ValidationError(_("Choisissez le dossier en double."))
        choices = selectors.merge_choices(
            membership=self.membership, beneficiary=self.beneficiary, file_number=number
        )
        if pk:
            choices = choices.filter(pk=pk)
        self.duplicate_file = choices.first()
        if self.duplicate_file is None:
            self.add_error(
                "file_number" if number else "duplicate",
                _("Aucun dossier actif de vos espaces ne porte ce numéro."),
            )
        return cleaned


class PeriodCloseForm(forms.Form):
    """Why the accompaniment ends: a reason from the closed list, an optional short note."""

    reason = forms.ChoiceField(
        label=_("Pourquoi l'accompagnement s'arrête-t-il ?"),
        choices=PeriodCloseReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez un motif dans la liste.")},
    )
    note = forms.CharField(
        label=_("Précision (facultative, obligatoire avec « Autre »)"),
        help_text=_("Quelques mots, sans numéro de sécurité sociale."),
        max_length=500,
        required=False,
        validators=[reject_nir],
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Nouvelle note"),
        help_text=_(
            "Ce que l'équipe de l'espace doit savoir pour accompagner la personne. "
            "2000 caractères au plus, sans numéro de sécurité sociale."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[reject_nir],
        error_messages={"required": _("Écrivez la note avant de l'enregistrer.")},
    )


class HouseholdLinkForm(forms.Form):
    """The file number of a person who lives with this one (printed on their file)."""

    file_number = forms.CharField(
        label=_("Numéro de dossier de la personne qui vit avec elle"),
        help_text=_("Par exemple STRGAR-000123 : il figure en haut de son dossier."),
        max_length=20,
        error_messages={"required": _("Indiquez le numéro de dossier de l'autre personne.")},
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_file_number(self):
        number = " ".join(self.cleaned_data["file_number"].split()).upper()
        other = (
            Beneficiary.objects.visible_to(self.membership)
            .active()
            .filter(file_number=number)
            .first()
        )
        if other is None:
            raise forms.ValidationError(
                _("Aucun dossier de votre espace ne porte ce numéro. Vérifiez-le sur son dossier.")
            )
        self.other = other
        return number
