"""The dead-letter store through the real binary: list/show/reprocess/status, and reprocessing that
survives kill -9 without ever applying a row twice."""
import json
import random
import signal
import sqlite3
import subprocess
import time

import helpers


def eddy(eddy_bin, *args, timeout=60):
    return subprocess.run([eddy_bin, *args], capture_output=True, text=True, timeout=timeout)


def process_all(eddy_bin, broker, db, tmp_path, total, name):
    log = tmp_path / f"{name}.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log)
    assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
    helpers.wait_for_total(db, total, timeout=90)
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=10) == 0


def scalar(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def test_list_show_reprocess_and_status(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=4)
    db = str(tmp_path / "eddy.db")
    assert eddy(eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", "2000", "--bad-share", "0.3",
                "--log-level", "warning").returncode == 0
    process_all(eddy_bin, broker, db, tmp_path, 2000, "run")
    dead = scalar(db, "SELECT COUNT(*) FROM failed_messages WHERE status = 'dead'")
    assert 450 < dead < 750

    listed = eddy(eddy_bin, "failed", "list", "--db", db, "--class", "invalid", "--limit", "5")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "TOPIC", "PARTITION"]
    assert len(lines) == 7 and all(" invalid " in line for line in lines[1:6])
    invalid = scalar(db, "SELECT COUNT(*) FROM failed_messages WHERE error_class = 'invalid'")
    assert lines[-1].startswith(f"5 of {invalid} rows")

    binary_id = scalar(db, "SELECT id FROM failed_messages WHERE error LIKE 'not UTF-8%' LIMIT 1")
    shown = eddy(eddy_bin, "failed", "show", str(binary_id), "--db", db)
    assert shown.returncode == 0 and "binary," in shown.stdout and "\n00000000  " in shown.stdout
    tombstone_id = scalar(db, "SELECT id FROM failed_messages WHERE payload IS NULL LIMIT 1")
    assert "tombstone" in eddy(eddy_bin, "failed", "show", str(tombstone_id), "--db", db).stdout
    text_id = scalar(db, "SELECT id FROM failed_messages WHERE error = 'user_id is missing' LIMIT 1")
    text = eddy(eddy_bin, "failed", "show", str(text_id), "--db", db).stdout
    payload = scalar(db, f"SELECT CAST(payload AS TEXT) FROM failed_messages WHERE id = {text_id}")
    assert "UTF-8," in text and payload in text
    missing = eddy(eddy_bin, "failed", "show", "999999", "--db", db)
    assert missing.returncode != 0 and "no row with id 999999" in missing.stderr

    assert eddy(eddy_bin, "failed", "reprocess", "--db", db).returncode != 0, "reprocess needs a selector"
    flagged = eddy(eddy_bin, "failed", "reprocess", "--db", db, "--id", str(text_id))
    assert flagged.returncode == 0 and "flagged 1 row" in flagged.stdout
    assert scalar(db, "SELECT reprocess FROM failed_messages WHERE id = %d" % text_id) == 1

    status = eddy(eddy_bin, "status", "--db", db, "--brokers", broker.bootstrap)
    assert status.returncode == 0, status.stderr
    rows = [line.split() for line in status.stdout.splitlines() if line.startswith("user-login")]
    assert len(rows) == 4 and all(row[4] == "0" for row in rows), status.stdout  # lag 0 everywhere
    assert ["dead", "invalid", str(invalid)] in [line.split() for line in status.stdout.splitlines()], status.stdout
    assert "1 row(s) flagged for reprocessing" in status.stdout


def test_reprocessing_fixed_rows_survives_kill9_without_double_counting(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=8)
    db = str(tmp_path / "eddy.db")
    assert eddy(eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", "20000", "--bad-share", "0.5",
                "--seed", "9", "--log-level", "warning").returncode == 0
    process_all(eddy_bin, broker, db, tmp_path, 20000, "first")
    valid_before = scalar(db, "SELECT COUNT(*) FROM login_events")
    invalid = scalar(db, "SELECT COUNT(*) FROM failed_messages WHERE error_class = 'invalid'")
    assert invalid > 3000

    # An operator repairs the invalid rows in place and flags them, from the sqlite3 shell.
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE failed_messages SET payload = CAST(json_object('user_id', 'repaired-' || id, "
            "'timestamp', CAST(strftime('%s', 'now') AS INTEGER) - id % 300, 'device_type', 'repaired') AS BLOB), "
            "reprocess = 1 "
            "WHERE error_class = 'invalid'"
        )

    def consistent():
        events = scalar(db, "SELECT COUNT(*) FROM login_events")
        resolved = scalar(db, "SELECT COUNT(*) FROM failed_messages WHERE status = 'resolved'")
        logins = scalar(db, "SELECT COALESCE(SUM(logins), 0) FROM login_counts")
        repaired = scalar(db, "SELECT COUNT(*) FROM login_events WHERE device_type = 'repaired'")
        assert events == valid_before + resolved == logins, (events, resolved, logins)
        assert repaired == resolved
        return resolved

    chaos = random.Random(7)
    seen = []
    for kill in range(6):
        log = tmp_path / f"reprocess-{kill}.log"
        service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, "--reprocess-interval", "50ms")
        time.sleep(chaos.uniform(0.05, 0.6))
        service.send_signal(signal.SIGKILL)
        service.wait()
        seen.append(consistent())
    process_all(eddy_bin, broker, db, tmp_path, 20000, "last")
    assert consistent() == invalid, f"resolved after each kill: {seen}"
    assert scalar(db, "SELECT COUNT(*) FROM failed_messages WHERE reprocess = 1") == 0
    assert scalar(db, "SELECT COUNT(*) FROM failed_messages WHERE error_class = 'malformed' AND status = 'dead'") > 0


def test_sqlite3_flag_while_running_and_reprocess_failed_at_start(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=2)
    db = str(tmp_path / "eddy.db")
    assert eddy(eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", "1000", "--bad-share", "0.2",
                "--log-level", "warning").returncode == 0
    log = tmp_path / "running.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log)
    assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
    helpers.wait_for_total(db, 1000, timeout=60)
    row = scalar(db, "SELECT id FROM failed_messages WHERE error = 'user_id is missing' LIMIT 1")
    events = scalar(db, "SELECT COUNT(*) FROM login_events")

    # With the plain sqlite3 shell, while eddy runs: repair one row and flag it.
    flagged_at = time.time()
    fixed = json.dumps({"user_id": "fixed", "timestamp": int(time.time()), "device_type": "fixed-device"})
    subprocess.run(["sqlite3", db, f"UPDATE failed_messages SET payload = CAST('{fixed}' AS BLOB), reprocess = 1 "
                    f"WHERE id = {row}"], check=True, timeout=10)
    helpers.wait_until(lambda: scalar(db, f"SELECT status FROM failed_messages WHERE id = {row}") == "resolved",
                       timeout=5, message="a flagged row was not reprocessed within five seconds")
    assert time.time() - flagged_at < 5
    assert scalar(db, "SELECT COUNT(*) FROM login_events") == events + 1
    assert scalar(db, "SELECT SUM(logins) FROM login_counts WHERE device_type = 'fixed-device'") == 1
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=10) == 0

    # --reprocess-failed runs every dead row again; under the same rule they stay dead, one attempt more.
    dead = scalar(db, "SELECT COUNT(*) FROM failed_messages WHERE status = 'dead'")
    log = tmp_path / "again.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, "--reprocess-failed")
    assert helpers.wait_for_log(log, f"flagged {dead} dead rows", timeout=30)
    helpers.wait_until(lambda: scalar(db, "SELECT COUNT(*) FROM failed_messages WHERE status = 'dead' AND attempts = 2") == dead,
                       timeout=10, message="--reprocess-failed did not run every dead row")
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=10) == 0
    assert scalar(db, "SELECT COUNT(*) FROM failed_messages WHERE reprocess = 1") == 0
    assert scalar(db, "SELECT COUNT(*) FROM login_events") == events + 1
