"""Faults beyond a crash, on the real binary: Eddy keeps what it promised and says what happens."""
import hashlib
import json
import signal
import sqlite3
import subprocess
import time

from prometheus_client.parser import text_string_to_metric_families

import helpers


def metric(url, name):
    _, text = helpers.http_get(url + "/metrics")
    values = [s.value for family in text_string_to_metric_families(text) for s in family.samples if s.name == name]
    return values[0] if values else None


def test_a_foreign_writer_holding_the_lock_pauses_eddy_which_catches_up_exact(eddy_bin, broker_factory, tmp_path):
    """An operator's `sqlite3` session holds the write lock in an open transaction for 30 s while events
    stream in: Eddy waits (no exit), says so in its log, `/readyz` and a metric, stays live, consumes
    nothing meanwhile, and catches up after, exact."""
    broker = broker_factory(partitions=4)
    events = 30_000
    producer = subprocess.Popen(
        [eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", str(events), "--rate", "1000", "--seed", "21",
         "--bad-share", "0.05", "--log-level", "warning"], stdout=subprocess.DEVNULL)
    db = tmp_path / "eddy.db"
    url = f"http://127.0.0.1:{helpers.free_port()}"
    log = tmp_path / "eddy.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, "--http", url.removeprefix("http://"))
    shell = None
    try:
        assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
        helpers.wait_until(lambda: helpers.committed_total(db) > 2_000, 60, "eddy committed nothing")

        shell = subprocess.Popen(["sqlite3", str(db)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        shell.stdin.write("BEGIN IMMEDIATE;\nUPDATE failed_messages SET reprocess = reprocess WHERE 0;\n")
        shell.stdin.flush()
        held_at = time.monotonic()
        helpers.wait_until(lambda: "holds the write lock" in log.read_text(errors="replace"), 30,
                           "eddy did not log that another connection holds the write lock")
        status, detail = helpers.http_get(url + "/readyz")
        assert status == 503 and "write lock" in detail, f"/readyz while the lock is held: {status} {detail}"
        assert helpers.http_get(url + "/healthz")[0] == 200, "waiting for a lock is not wedged: /healthz must stay 200"
        assert metric(url, "eddy_database_lock_waiting") == 1
        paused_at = helpers.committed_total(db)
        time.sleep(max(0.0, 30 - (time.monotonic() - held_at)))
        assert service.poll() is None, "eddy exited while the lock was held"
        assert helpers.committed_total(db) == paused_at, "a transaction committed while another connection held the lock"

        shell.stdin.write("COMMIT;\n")
        shell.stdin.close()
        assert shell.wait(timeout=10) == 0
        assert producer.wait(timeout=120) == 0, "eddy produce failed"
        helpers.wait_for_total(db, events, timeout=120)
        helpers.wait_until(lambda: helpers.http_get(url + "/readyz")[0] == 200, 30, "/readyz did not come back")
        assert metric(url, "eddy_database_lock_waiting") == 0
        assert metric(url, "eddy_database_lock_waits_total") >= 1
        assert "was released after" in log.read_text(errors="replace")
        assert helpers.stored_state(db) == helpers.expected_state(helpers.read_topic(broker.bootstrap, broker.topic))
        audit = subprocess.run([eddy_bin, "audit", "--db", str(db)], capture_output=True, text=True, timeout=60)
        assert audit.returncode == 0 and "login_counts matches the stored events" in audit.stdout, audit.stdout + audit.stderr

        # eddy audit, on the running service, names a count changed by hand and exits 1.
        with sqlite3.connect(db, timeout=10) as connection:
            minute = connection.execute("SELECT max(window_start) FROM login_counts").fetchone()[0]
            connection.execute("UPDATE login_counts SET logins = logins + 5 WHERE (window_start, topic, partition, device_type, locale, "
                               "app_version) = (SELECT window_start, topic, partition, device_type, locale, app_version FROM "
                               "login_counts WHERE window_start = ? LIMIT 1)", (minute,))
        audit = subprocess.run([eddy_bin, "audit", "--db", str(db)], capture_output=True, text=True, timeout=60)
        stamp = time.strftime("%Y-%m-%d %H:%M:00Z", time.gmtime(minute))
        assert audit.returncode == 1 and stamp in audit.stdout and "counts that differ: 1" in audit.stdout, audit.stdout + audit.stderr
        assert service.poll() is None
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
    finally:
        for process in (producer, service, shell):
            if process and process.poll() is None:
                process.kill()
                process.wait()


def test_a_damaged_database_at_start_is_one_clear_line_and_stays_as_it_was(eddy_bin, tmp_path):
    """A file cut short by a bad volume, or one that is not a database at all: eddy names the file and
    the recovery, exits non-zero, and leaves the file byte for byte as it was."""
    good = tmp_path / "good.db"
    assert subprocess.run([eddy_bin, "migrate", "--db", str(good)], capture_output=True, timeout=30).returncode == 0
    truncated, garbage = tmp_path / "truncated.db", tmp_path / "garbage.db"
    truncated.write_bytes(good.read_bytes()[:8192])
    garbage.write_bytes(bytes(range(256)) * 16)
    for damaged in (truncated, garbage):
        before = hashlib.sha256(damaged.read_bytes()).hexdigest()
        result = subprocess.run([eddy_bin, "run", "--brokers", "127.0.0.1:1", "--db", str(damaged), "--http", "off"],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode != 0
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert str(damaged) in lines[0] and "damaged" in lines[0] and "backup" in lines[0] and "changelog" in lines[0], lines[0]
        assert hashlib.sha256(damaged.read_bytes()).hexdigest() == before, f"{damaged.name} was changed"

    # One written by a newer eddy: named, not migrated, its records kept.
    newer = tmp_path / "newer.db"
    newer.write_bytes(good.read_bytes())
    with sqlite3.connect(newer) as db:
        db.execute("INSERT INTO grdb_migrations VALUES ('0099_from_a_newer_eddy')")
    result = subprocess.run([eddy_bin, "run", "--brokers", "127.0.0.1:1", "--db", str(newer), "--http", "off"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert str(newer) in result.stderr and "0099_from_a_newer_eddy" in result.stderr and "newer version" in result.stderr, result.stderr
    with sqlite3.connect(newer) as db:
        assert db.execute("SELECT COUNT(*) FROM grdb_migrations WHERE identifier = '0099_from_a_newer_eddy'").fetchone()[0] == 1


def test_very_large_and_odd_messages_are_kept_exact_and_eddy_keeps_going(eddy_bin, broker_factory, tmp_path):
    """A 1 MB valid event (larger than a broker takes on the output topic), a 4 MB message of random
    bytes with a 64 KB key and binary headers, and ordinary events around them, some with 64 KB keys:
    with the output topic and the changelog on, the first two land in failed_messages with their exact
    bytes (too_large), the others are counted and published, the changelog takes the 4 MB
    failed row, and memory stays bounded. (4 MB, not 10: the mock broker keeps about 5 MB per
    partition and trims what came before a larger message.)"""
    import os
    from kafka import KafkaProducer

    broker = broker_factory(partitions=3)
    now = int(time.time())
    big_event = json.dumps({"user_id": "u" * 1_000_000, "timestamp": now, "device_type": "web"}).encode()
    garbage, key = os.urandom(4_000_000), os.urandom(65_536)
    headers = [("binary", bytes(range(256))), ("empty", b"")]
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, api_version=(2, 5), max_request_size=20_000_000)

    def event(i):
        return json.dumps({"user_id": f"u{i}", "timestamp": now}).encode()

    for i in range(100):
        producer.send(broker.topic, value=event(i), partition=0)
    producer.send(broker.topic, value=big_event, partition=0)
    for i in range(100, 150):
        producer.send(broker.topic, value=event(i), key=key, headers=headers, partition=1)
    producer.send(broker.topic, value=garbage, key=key, headers=headers, partition=2)
    for i in range(150, 200):
        producer.send(broker.topic, value=event(i), partition=2)
    producer.flush(60)
    producer.close()

    db = tmp_path / "eddy.db"
    log = tmp_path / "eddy.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log)
    try:
        helpers.wait_for_total(db, 202, timeout=90)
        helpers.wait_until(lambda: helpers.outbox_pending(db) == 0, 60,
                           lambda: f"the outbox did not drain (the changelog or the output refused a record): {log.read_text()[-2000:]}")
        assert service.poll() is None, f"eddy stopped: {log.read_text()[-2000:]}"
        rss_kb = int(open(f"/proc/{service.pid}/status").read().split("VmHWM:")[1].split()[0])
        with sqlite3.connect(db) as connection:
            failed = {row[1]: (row[0], row[2], row[3]) for row in connection.execute(
                "SELECT error_class, payload, key, length(headers) FROM failed_messages")}
            assert connection.execute("SELECT SUM(logins) FROM login_counts").fetchone()[0] == 200
            keys = connection.execute("SELECT COUNT(*) FROM login_events WHERE partition = 1").fetchone()[0]
        assert keys == 50
        assert set(failed) == {big_event, garbage}, "the two large messages, byte for byte"
        assert failed[big_event][0] == "too_large" and failed[garbage][0] == "too_large"
        assert failed[garbage][1] == key and failed[garbage][2] > 256, "its 64 KB key and binary headers"
        assert rss_kb < 200_000, f"peak RSS {rss_kb} kB"
        published = helpers.read_topic(broker.bootstrap, "processed-output")
        assert len(published) >= 200 and all(len(value) < 1_000 for _, _, value in published)
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
    finally:
        if service.poll() is None:
            service.kill()
            service.wait()


def test_messages_the_broker_deleted_unread_are_a_recorded_gap(eddy_bin, broker_factory, tmp_path):
    """Eddy is stopped while the broker's retention deletes messages it has not read (here the mock
    broker trimming a partition past about 5 MB): at the next start it goes on from the log's start, and
    the lost range is in offset_gaps, the log and a counter, never silent."""
    import os
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    broker = broker_factory(partitions=1)
    db = tmp_path / "eddy.db"
    url = f"http://127.0.0.1:{helpers.free_port()}"
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, api_version=(2, 5), max_request_size=20_000_000)

    def send(first, count):
        for i in range(first, first + count):
            producer.send(broker.topic, value=json.dumps({"user_id": f"u{i}", "timestamp": int(time.time())}).encode())
            producer.flush(60)  # one request each: the mock trims a whole request that follows a large one

    send(0, 100)
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, tmp_path / "first.log")
    try:
        helpers.wait_for_total(db, 100, timeout=60)
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0

        # While it is stopped: 200 events, then a 5.5 MB message, which makes the mock drop everything up
        # to it, itself included (and the request after it); then events that stay.
        send(100, 200)
        producer.send(broker.topic, value=os.urandom(5_500_000))
        producer.flush(60)
        send(301, 50)
        probe = KafkaConsumer(bootstrap_servers=broker.bootstrap, api_version=(2, 5))
        partition = TopicPartition(broker.topic, 0)
        start, end = probe.beginning_offsets([partition])[partition], probe.end_offsets([partition])[partition]
        probe.close()
        assert start > 300 and end - start > 40, f"the mock trimmed otherwise than expected: log from {start} to {end}"

        log = tmp_path / "second.log"
        service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, "--http", url.removeprefix("http://"))
        helpers.wait_for_total(db, end, timeout=60)
        with sqlite3.connect(db) as connection:
            gaps = connection.execute("SELECT topic, partition, from_offset, to_offset FROM offset_gaps").fetchall()
            counted = connection.execute("SELECT SUM(logins) FROM login_counts").fetchone()[0]
        assert gaps == [(broker.topic, 0, 100, start)], gaps
        assert counted == 100 + (end - start), "every event read is counted: the first 100 and those still in the log"
        assert f"offsets 100..<{start} were deleted by the broker before Eddy read them" in log.read_text(errors="replace")
        _, text = helpers.http_get(url + "/metrics")
        lost = [line for line in text.splitlines() if line.startswith("eddy_messages_deleted_unread_total ")]
        assert lost and float(lost[0].split()[1]) == start - 100, lost
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
    finally:
        producer.close()
        if service.poll() is None:
            service.kill()
            service.wait()
