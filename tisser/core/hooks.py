"""Domain hooks: an app announces that something happened, higher apps subscribe.

A lower app must not import a higher one (accounts cannot import notifications), yet the
higher one may need to act when the lower one changes something: here the lower app calls
``announce("member.invited", invitation=...)`` inside its transaction, and every handler
subscribed to that name (from its AppConfig.ready) runs at once, in the same transaction,
so its writes commit or roll back with the change. A handler that talks to the outside
enqueues a task with ``transaction.on_commit``; it never sends anything itself.
"""

from collections.abc import Callable
from typing import Any

_handlers: dict[str, list[Callable[..., Any]]] = {}


def subscribe(name: str, handler: Callable[..., Any]) -> None:
    """Run ``handler(**payload)`` each time ``name`` is announced (once per handler)."""
    handlers = _handlers.setdefault(name, [])
    if handler not in handlers:
        handlers.append(handler)


def announce(name: str, **payload: Any) -> None:
    """Call every handler of ``name``, in subscription order; their errors propagate."""
    for handler in list(_handlers.get(name, ())):
        handler(**payload)
