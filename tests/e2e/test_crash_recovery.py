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
    producer = subprocess.Popen(
        [eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", str(EVENTS), "--rate", "1000",
         "--seed", "42", "--bad-share", "0.05", "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
    )
    chaos = random.Random(2026)
    kills = 0
    progress = []
    while kills < KILLS:
        log = tmp_path / f"eddy-{kills}.log"
        service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log)
        if chaos.random() < 0.2:
            time.sleep(chaos.uniform(0.0, 3.0))  # sometimes before or during the group join
        else:
            assert helpers.wait_for_log(log, "partitions assigned", timeout=60), "no assignment within 60 s"
            time.sleep(chaos.uniform(0.0, 1.5))  # mostly while batches are being committed
        service.send_signal(signal.SIGKILL)
        service.wait()
        kills += 1
        progress.append(helpers.committed_total(db))
    assert producer.wait(timeout=120) == 0, "eddy produce failed"
    assert len(set(progress)) >= KILLS // 2, f"too few kills landed while processing: {progress}"

    # The survivor catches up; the sqlite3 shell can query while it runs.
    survivor_log = tmp_path / "eddy-survivor.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, survivor_log)
    assert helpers.wait_for_log(survivor_log, "partitions assigned", timeout=60)
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
    audit = subprocess.run([eddy_bin, "audit", "--db", str(db)], capture_output=True, text=True, timeout=60)
    assert audit.returncode == 0, f"eddy audit after the kills: {audit.stdout}{audit.stderr}"

    # A restart after SIGTERM continues exactly where it stopped.
    extra = subprocess.run(
        [eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", "3000", "--seed", "43", "--bad-share", "0.05",
         "--log-level", "warning"],
        capture_output=True, timeout=60,
    )
    assert extra.returncode == 0, extra.stderr
    restart_log = tmp_path / "eddy-restart.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, restart_log)
    assert helpers.wait_for_log(restart_log, "partitions assigned", timeout=60)
    helpers.wait_for_total(db, EVENTS + 3000, timeout=60)
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=10) == 0
    messages = helpers.read_topic(broker.bootstrap, broker.topic)
    assert helpers.stored_state(db) == helpers.expected_state(messages)
