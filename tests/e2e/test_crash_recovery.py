"""kill -9 at random moments while events stream in: at the end every message is counted exactly once."""
import random
import signal
import subprocess
import time

import helpers

EVENTS = 60_000
KILLS = 10


def test_ten_kill9_during_a_stream_leave_exact_state(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=8)
    db = tmp_path / "eddy.db"
    log = open(tmp_path / "eddy.log", "wb")
    producer = subprocess.Popen(
        [eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", str(EVENTS), "--rate", "2000",
         "--seed", "42", "--bad-share", "0.05", "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
    )
    chaos = random.Random(2026)
    kills = 0
    progress = []
    while kills < KILLS:
        service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log=log)
        time.sleep(chaos.uniform(1.0, 4.5))
        service.send_signal(signal.SIGKILL)
        service.wait()
        kills += 1
        progress.append(helpers.committed_total(db))
    assert producer.wait(timeout=120) == 0, "eddy produce failed"
    assert progress[-1] > 0, f"no kill landed after processing began: {progress}"

    # The survivor catches up; the sqlite3 shell can query while it runs.
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log=log)
    shell = subprocess.run(
        ["sqlite3", str(db), "SELECT device_type, SUM(logins) FROM login_counts GROUP BY 1"],
        capture_output=True, text=True, timeout=10,
    )
    assert shell.returncode == 0, shell.stderr
    helpers.wait_for_total(db, EVENTS, timeout=90)

    # SIGTERM: exit 0 within 10 seconds.
    started = time.time()
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=10) == 0
    assert time.time() - started < 10

    messages = helpers.read_topic(broker.bootstrap, broker.topic)
    assert len(messages) == EVENTS
    expected = helpers.expected_state(messages)
    stored = helpers.stored_state(db)
    assert stored[0] == expected[0], "login_counts differ from the events sent"
    assert stored[1] == expected[1], "login_events is not one row per valid event"
    assert stored[2] == expected[2], "failed_messages is not exactly the bad messages with their bytes"
    assert 0.03 * EVENTS < len(expected[2]) < 0.07 * EVENTS

    # A restart after SIGTERM continues exactly where it stopped.
    extra = subprocess.run(
        [eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", "3000", "--seed", "43", "--bad-share", "0.05",
         "--log-level", "warning"],
        capture_output=True, timeout=60,
    )
    assert extra.returncode == 0, extra.stderr
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log=log)
    helpers.wait_for_total(db, EVENTS + 3000, timeout=60)
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=10) == 0
    messages = helpers.read_topic(broker.bootstrap, broker.topic)
    assert helpers.stored_state(db) == helpers.expected_state(messages)
