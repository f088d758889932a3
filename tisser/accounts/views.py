from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.accounts.selectors import active_memberships_of


def no_membership(request):
    """A signed-in person without any active membership: nothing to show but this."""
    if request.membership is not None:
        return redirect("core:home")
    return render(request, "accounts/no_membership.html", status=403)


@require_POST
def switch_membership(request):
    """Change the organisation the user acts for (the switcher in the header)."""
    try:
        wanted = int(request.POST.get("membership", ""))
    except ValueError:
        wanted = None
    membership = active_memberships_of(request.user).filter(pk=wanted).first()
    if membership is None:
        messages.error(request, _("Cette organisation n'est pas dans vos adhésions."))
    else:
        request.session["current_membership_id"] = membership.pk
        messages.success(
            request,
            _("Vous agissez maintenant pour : %(organisation)s.")
            % {"organisation": membership.organisation.name},
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    return redirect(next_url or "core:home")
