"""A test-only app that plugs events into the file's timeline (see test_timeline.py)."""
