"""The diagnostic simulator's benchmark runs on the real forms and says whether the target is met."""

from benchmarks import bench_diagnostic_simulator
from tisser.diagnostics import adaptive


def test_a_small_run_meets_the_target_and_leaves_the_rules_as_they_were(capsys):
    next_item = adaptive.next_item

    status = bench_diagnostic_simulator.main(
        ["--learners", "100", "--cold-sittings", "2", "--no-report"]
    )

    out = capsys.readouterr().out
    assert status == 0
    assert out.count(" met") == 4  # entry and exit, six and five domains
    assert "CPU time of `next_item` per call" in out
    assert adaptive.next_item is next_item
