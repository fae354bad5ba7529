"""Retention and the processed-output topic through the real binary."""
import json
import os
import random
import signal
import sqlite3
import subprocess
import time

import helpers


def eddy(eddy_bin, *args, timeout=60):
    return subprocess.run([eddy_bin, *args], capture_output=True, text=True, timeout=timeout)


def scalar(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def file_size(path):
    return os.path.getsize(path) if os.path.exists(path) else 0


# The WAL is not the state: it keeps its high-water mark until a checkpoint resets it, and it may
# reach Eddy's backstop for the writer's own checkpoints (16,384 pages of 4 KB) before it is cut back
# to `journal_size_limit` (64 MB). So the database file must stop growing; the WAL must stay within
# that designed bound.
WAL_BOUND = 64 * 1024 * 1024 + 8 * 1024 * 1024


def test_output_reaches_kcat_with_source_headers_and_survives_kill9(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=8)
    db = str(tmp_path / "eddy.db")
    producer = subprocess.Popen([eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", "15000", "--rate", "2000",
                                 "--bad-share", "0.05", "--log-level", "warning"], stdout=subprocess.DEVNULL)
    chaos = random.Random(11)
    for kill in range(5):
        log = tmp_path / f"eddy-{kill}.log"
        service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log)
        assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
        time.sleep(chaos.uniform(0.2, 1.5))
        service.send_signal(signal.SIGKILL)
        service.wait()
    assert producer.wait(timeout=60) == 0
    log = tmp_path / "eddy-last.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log)
    assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
    helpers.wait_for_total(db, 15000, timeout=60)
    helpers.wait_until(lambda: helpers.outbox_pending(db) == 0, timeout=30, message="the outbox did not drain")
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=10) == 0

    with sqlite3.connect(db) as conn:
        valid = {f"user-login/{p}/{o}" for p, o in conn.execute("SELECT partition, offset FROM login_events")}
    output = helpers.read_topic(broker.bootstrap, "processed-output", with_headers=True)
    keys = [f"{h['eddy-source-topic']}/{h['eddy-source-partition']}/{h['eddy-source-offset']}" for _, _, _, h in output]
    assert set(keys) == valid, "every valid event reached the output, nothing else did"
    assert len(keys) >= len(valid)
    by_key = {}
    for key, (_, _, value, _) in zip(keys, output):
        assert by_key.setdefault(key, value) == value, "a duplicate differs from the first copy"

    shown = subprocess.run(["kcat", "-C", "-b", broker.bootstrap, "-t", "processed-output", "-o", "beginning", "-e", "-q",
                            "-c", "3", "-f", "%h\t%k\t%s\n"], capture_output=True, text=True, timeout=30)
    assert shown.returncode == 0, shown.stderr
    for line in shown.stdout.splitlines():
        headers, key, value = line.split("\t")
        assert "eddy-source-topic=user-login" in headers and "eddy-source-offset=" in headers
        event = json.loads(value)
        assert event["user_id"] == key and event["event_time"].endswith("Z") and isinstance(event["timestamp"], int)


def test_late_events_wait_in_failed_messages_until_the_policy_changes_and_prune_reports(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=2)
    db = str(tmp_path / "eddy.db")
    assert eddy(eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", "2000", "--bad-share", "0",
                "--log-level", "warning").returncode == 0
    log = tmp_path / "strict.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, "--retain-counts", "3m", "--output-topic", "")
    assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
    helpers.wait_for_total(db, 2000, timeout=60)
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=10) == 0
    late = scalar(db, "SELECT COUNT(*) FROM failed_messages WHERE error_class = 'late'")
    counted = scalar(db, "SELECT SUM(logins) FROM login_counts")
    assert late > 1000 and late + counted == 2000
    assert scalar(db, "SELECT COUNT(*) FROM outbox WHERE channel = 0") == 0, '--output-topic "" writes no outbox rows for it'
    assert scalar(db, "SELECT MIN(window_start) FROM login_counts") >= time.time() - 5 * 60

    log = tmp_path / "relaxed.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, "--retain-counts", "90d", "--reprocess-failed")
    helpers.wait_until(lambda: scalar(db, "SELECT COUNT(*) FROM failed_messages WHERE status = 'resolved'") == late,
                       timeout=20, message="late rows were not reprocessed after the policy changed")
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=10) == 0
    assert scalar(db, "SELECT SUM(logins) FROM login_counts") == 2000

    # Events go by whole minutes: those whose minute ended before the cutoff (now - 5 minutes). The
    # clock moves while prune runs, so the count is bounded by the cutoffs before and after it.
    def whole_minutes_older_than_5m(now):
        cutoff = int(now) - 300
        return scalar(db, f"SELECT COUNT(*) FROM login_events WHERE event_time < {cutoff - cutoff % 60}")
    at_least = whole_minutes_older_than_5m(time.time())
    at_most = whole_minutes_older_than_5m(time.time() + 10)
    pruned = eddy(eddy_bin, "prune", "--db", db, "--retain-events", "5m")
    assert pruned.returncode == 0, pruned.stderr
    row = next(line.split() for line in pruned.stdout.splitlines() if line.startswith("login_events"))
    assert row[1] == "5m" and at_least <= int(row[2]) <= at_most and int(row[2]) > 0, (at_least, at_most, pruned.stdout)
    assert scalar(db, "SELECT COUNT(*) FROM login_events") == 2000 - int(row[2])
    assert scalar(db, "SELECT MIN(minute_start) FROM login_event_minutes") == scalar(db, "SELECT MIN(event_time / 60 * 60) FROM login_events")


def test_the_file_stops_growing_in_a_steady_stream_with_retention(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=8)
    db = str(tmp_path / "eddy.db")
    producer = subprocess.Popen([eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", "120000", "--rate", "4000",
                                 "--bad-share", "0", "--log-level", "warning"], stdout=subprocess.DEVNULL)
    log = tmp_path / "soak.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, "--retain-events", "20s", "--retain-sent", "5s",
                               "--prune-interval", "500ms")
    assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
    sizes = []
    for _ in range(6):
        time.sleep(4)
        sizes.append((helpers.committed_total(db), file_size(db), file_size(db + "-wal")))
    assert producer.wait(timeout=60) == 0
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=10) == 0
    (early_count, early_size, _), (late_count, late_size, _) = sizes[1], sizes[-1]
    assert late_count > 2 * early_count, f"the stream kept flowing: {sizes}"
    assert late_size <= early_size * 1.25 + 2_000_000, f"the database file kept growing: {sizes}"
    assert max(wal for _, _, wal in sizes) <= WAL_BOUND, f"the WAL passed its bound: {sizes}"
    assert "retention pruned rows" in log.read_text()
