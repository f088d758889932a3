"""Decoded people sets kept in each process, known by their content (decision 0055).

A figure over several pieces (a rolling year: about 40 day and month pieces per figure and
space) is the union of their stored sets, and reading those bytes from the database is most
of such a page's time. A stored set never changes: a refresh deletes a piece and writes a
new row, with the digest of its new content (``PeopleSet.digest``). So a process may keep
the sets it has decoded, by size and digest, and read from the database only the others (a
row without a digest, written during a deploy by a version that had none, is never kept).

Bounded by ``settings.REPORTING_SET_CACHE_BYTES``: each set counts its stored bytes plus
what an entry costs in memory beyond them; the least recently used are forgotten first. The
sets handed out are shared, so they are frozen: nothing can change one in place.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.conf import settings
from pyroaring import FrozenBitMap

Key = tuple[int, int]  # a stored set's (size, digest)
# What a kept set costs beyond its stored bytes (the set object, its entry and key), measured
# at about 500 bytes: without it, a budget filled with small day sets would take many times
# its figure in memory.
ENTRY_OVERHEAD_BYTES = 512


class SetCache:
    def __init__(self, budget_bytes: int):
        self.budget_bytes = budget_bytes
        self.used_bytes = 0
        self._sets: OrderedDict[Key, tuple[FrozenBitMap, int]] = OrderedDict()
        self._lock = threading.Lock()  # the development server answers in threads

    def get(self, key: Key) -> FrozenBitMap | None:
        with self._lock:
            found = self._sets.get(key)
            if found is None:
                return None
            self._sets.move_to_end(key)
            return found[0]

    def keep(self, key: Key, people: FrozenBitMap, stored_bytes: int) -> None:
        """Keep a decoded set of ``stored_bytes`` stored; forget the least recently used ones
        beyond the budget (a set larger than the whole budget is not kept)."""
        weight = stored_bytes + ENTRY_OVERHEAD_BYTES
        if weight > self.budget_bytes:
            return
        with self._lock:
            if key in self._sets:
                self._sets.move_to_end(key)
                return
            self._sets[key] = (people, weight)
            self.used_bytes += weight
            while self.used_bytes > self.budget_bytes:
                _key, (_people, forgotten) = self._sets.popitem(last=False)
                self.used_bytes -= forgotten

    def clear(self) -> None:
        with self._lock:
            self._sets.clear()
            self.used_bytes = 0

    def __len__(self) -> int:
        return len(self._sets)


_cache: SetCache | None = None


def cache() -> SetCache:
    """This process's cache, made on first use with the settings' budget."""
    global _cache
    if _cache is None:
        _cache = SetCache(settings.REPORTING_SET_CACHE_BYTES)
    return _cache
