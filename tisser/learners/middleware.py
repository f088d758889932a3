"""``request.learner``: the person whose card signed this browser in, or None.

Lazy: nothing is read until someone asks (a view, a template, the access policy), and a
browser whose session holds no learner costs no query at all. Once asked, the answer is
kept for the rest of the request. Tests and other code may also set it
(``request.learner = beneficiary``).
"""

from tisser.learners import session


class _LazyLearner:
    """A data descriptor on the request's class: computed on first read, then cached."""

    def __get__(self, request, owner=None):
        if request is None:
            return self
        if "_tisser_learner" not in request.__dict__:
            card = session.resolve_card(request)
            request.__dict__["_tisser_learner_card"] = card
            request.__dict__["_tisser_learner"] = card.beneficiary if card else None
        return request.__dict__["_tisser_learner"]

    def __set__(self, request, value):
        request.__dict__["_tisser_learner"] = value


_CLASSES: dict[type, type] = {}


def _with_lazy_learner(cls: type) -> type:
    if cls not in _CLASSES:
        _CLASSES[cls] = type(cls.__name__, (cls,), {"learner": _LazyLearner()})
    return _CLASSES[cls]


def learner_card(request):
    """The card behind ``request.learner`` (None when there is no learner)."""
    if request.learner is None:
        return None
    return request.__dict__.get("_tisser_learner_card")


class LearnerMiddleware:
    """Give every request a lazy ``learner`` (after the session and authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "learner" not in type(request).__dict__:
            request.__class__ = _with_lazy_learner(type(request))
        return self.get_response(request)
