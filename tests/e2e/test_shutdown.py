"""SIGTERM under load: the batch in hand is committed, the outbox published, the group left, and Eddy exits 0
within --shutdown-timeout; a restart continues exactly. When the broker is gone, the deadline still holds."""
import signal
import subprocess
import time

import helpers

EVENTS = 40_000
DEADLINE = 10


def test_sigterm_under_load_drains_within_the_deadline_and_a_restart_continues_exactly(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=8)
    db = tmp_path / "eddy.db"
    producer = subprocess.Popen(
        [eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", str(EVENTS), "--rate", "4000",
         "--seed", "7", "--bad-share", "0.05", "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
    )
    options = ["--shutdown-timeout", f"{DEADLINE}s", "--outbox-max-pending", "5000"]
    log = tmp_path / "eddy-1.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, *options)
    helpers.wait_for_total(db, 10_000, timeout=90)
    assert producer.poll() is None, "the producer finished before the signal: no load"

    started = time.time()
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=DEADLINE + 5) == 0, log.read_text()
    elapsed = time.time() - started
    assert elapsed < DEADLINE, f"SIGTERM took {elapsed:.1f} s"
    text = log.read_text()
    assert "last batch committed" in text and "partitions revoked" in text
    assert helpers.outbox_pending(db) == 0, "the outbox was not published before the exit"
    stopped_at = helpers.committed_total(db)

    assert producer.wait(timeout=120) == 0
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, tmp_path / "eddy-2.log", *options)
    helpers.wait_for_total(db, EVENTS, timeout=120)
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=DEADLINE + 5) == 0
    assert stopped_at < EVENTS

    messages = helpers.read_topic(broker.bootstrap, broker.topic)
    assert len(messages) == EVENTS
    assert helpers.stored_state(db) == helpers.expected_state(messages)
    assert helpers.outbox_pending(db) == 0


def test_the_deadline_holds_when_the_broker_is_gone(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=4)
    subprocess.run([eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", "2000", "--log-level", "warning"],
                   check=True, stdout=subprocess.DEVNULL, timeout=60)
    db = tmp_path / "eddy.db"
    log = tmp_path / "eddy.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, "--shutdown-timeout", "3s")
    helpers.wait_for_total(db, 2000, timeout=60)
    broker.process.kill()
    broker.process.wait()
    time.sleep(1)

    started = time.time()
    service.send_signal(signal.SIGTERM)
    code = service.wait(timeout=15)
    elapsed = time.time() - started
    assert elapsed < 3 + 1.5, f"SIGTERM with the broker gone took {elapsed:.1f} s"
    assert helpers.committed_total(db) == 2000
    if code != 0:
        assert "shutdown did not finish within --shutdown-timeout 3s" in log.read_text()
