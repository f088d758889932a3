"""The time budget of the generated security modules, counted in CPU seconds.

Each module of ``tests/core/security`` must cost at most ``BUDGET_SECONDS`` of processor time
(setup, call and teardown of its tests, the shared world's build included). The processor
time of the test process is what a bigger matrix costs; wall-clock time would also count the
other processes of a busy machine or of the other xdist workers, and turn load into errors.

The hooks in ``tests/conftest.py`` call these functions. Under pytest-xdist each worker
counts its share and hands it to the controller (``workeroutput``), which adds them up,
prints one line per module and fails the run when a module is over budget; without xdist
the single process does the same.
"""

import time
from collections import defaultdict

BUDGET_SECONDS = 120
WORKER_OUTPUT_KEY = "security_module_seconds"
PACKAGE = "tests.core.security."

# Module name -> [processor seconds, wall-clock seconds], in this process.
_SPENT: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])


def is_timed(item) -> bool:
    module = getattr(item, "module", None)
    return module is not None and module.__name__.startswith(PACKAGE)


def timed_protocol(item):
    """Wrap one test's whole protocol (a generator for a ``hookwrapper``)."""
    if not is_timed(item):
        yield
        return
    cpu, wall = time.process_time(), time.monotonic()
    yield
    spent = _SPENT[item.module.__name__]
    spent[0] += time.process_time() - cpu
    spent[1] += time.monotonic() - wall


def to_worker_output(config) -> None:
    """In an xdist worker, hand this process's figures to the controller."""
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[WORKER_OUTPUT_KEY] = {module: list(s) for module, s in _SPENT.items()}


def add_worker_output(workeroutput) -> None:
    """In the xdist controller, add a finished worker's figures."""
    for module, (cpu, wall) in workeroutput.get(WORKER_OUTPUT_KEY, {}).items():
        _SPENT[module][0] += cpu
        _SPENT[module][1] += wall


def is_xdist_worker(config) -> bool:
    return hasattr(config, "workeroutput")


def over_budget() -> dict[str, float]:
    return {module: s[0] for module, s in sorted(_SPENT.items()) if s[0] > BUDGET_SECONDS}


def summary_lines() -> list[str]:
    return [
        f"{module}: {cpu:.1f} s CPU, {wall:.1f} s wall clock (budget {BUDGET_SECONDS} s CPU)"
        for module, (cpu, wall) in sorted(_SPENT.items())
    ]
