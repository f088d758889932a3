from tisser.accounts.enums import Role


def membership(request):
    """The current membership and the navigation entries its role may use."""
    current = getattr(request, "membership", None)
    return {
        "current_membership": current,
        "Role": Role,
    }
