"""Faults beyond a crash, on the real binary: Eddy keeps what it promised and says what happens."""
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import time

import pytest
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
        # The shell waits for Eddy's own write to end (without .timeout it would fail to take the lock, and go on).
        shell.stdin.write(".timeout 20000\nBEGIN IMMEDIATE;\nUPDATE failed_messages SET reprocess = reprocess WHERE 0;\n")
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


def test_a_broker_outage_and_failing_requests_mid_stream_leave_the_state_exact(eddy_bin, broker_factory, tmp_path):
    """While events stream in (the output topic and the changelog on): Fetch, OffsetCommit and Produce
    requests fail for a while, then the broker is down for 30 s. Eddy stays up, says in its log,
    `/readyz` and a metric that the broker does not answer, resumes by itself when it is back, and ends
    exact, every valid event published."""
    broker = broker_factory(partitions=4)
    events = 40_000
    producer = subprocess.Popen(
        [eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", str(events), "--rate", "800", "--seed", "33",
         "--bad-share", "0.05", "--log-level", "warning"], stdout=subprocess.DEVNULL)
    db = tmp_path / "eddy.db"
    url = f"http://127.0.0.1:{helpers.free_port()}"
    log = tmp_path / "eddy.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, "--http", url.removeprefix("http://"))
    try:
        assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
        helpers.wait_until(lambda: helpers.committed_total(db) > 2_000, 60, "eddy committed nothing")
        for command in ("fail fetch 30", "fail offset-commit 10 16", "fail produce 30"):
            assert "fail with error" in broker.control(command)
        time.sleep(5)
        failing_ended = helpers.committed_total(db)
        helpers.wait_until(lambda: helpers.committed_total(db) > failing_ended + 1_000, 60, "eddy stopped after failing requests")

        assert broker.control("down") == "broker down"
        down_at = time.monotonic()
        # Not ready, with the reason, once a probe found the broker silent (after 5 s without a commit; the
        # group session may time out first and take the partitions away, which is not the reason).
        helpers.wait_until(lambda: "the broker has not answered" in helpers.http_get(url + "/readyz")[1], 30,
                           lambda: f"/readyz did not say the broker is away: {helpers.http_get(url + '/readyz')}")
        status, detail = helpers.http_get(url + "/readyz")
        assert status == 503 and "resumes by itself" in detail, detail
        assert metric(url, "eddy_broker_reachable") == 0
        assert helpers.http_get(url + "/healthz")[0] == 200, "a broker away is not a wedged process: /healthz must stay 200"
        assert "the broker does not answer" in log.read_text(errors="replace")
        time.sleep(max(0.0, 30 - (time.monotonic() - down_at)))
        assert service.poll() is None, f"eddy exited while the broker was down: {log.read_text()[-2000:]}"
        assert broker.control("up") == "broker up"

        assert producer.wait(timeout=180) == 0, "eddy produce failed"
        helpers.wait_for_total(db, events, timeout=180)
        helpers.wait_until(lambda: helpers.outbox_pending(db) == 0, 120, "the outbox did not drain after the outage")
        helpers.wait_until(lambda: helpers.http_get(url + "/readyz")[0] == 200, 30, "/readyz did not come back")
        assert metric(url, "eddy_broker_reachable") == 1
        assert "the broker answers again after" in log.read_text(errors="replace")
        counts, valid, failed = helpers.stored_state(db)
        assert (counts, valid, failed) == helpers.expected_state(helpers.read_topic(broker.bootstrap, broker.topic))
        published = helpers.read_topic(broker.bootstrap, "processed-output", with_headers=True)
        sources = {(int(h["eddy-source-partition"]), int(h["eddy-source-offset"])) for _, _, _, h in published}
        assert sources == valid, f"{len(valid - sources)} valid events never published, {len(sources - valid)} published that are not"
        audit = subprocess.run([eddy_bin, "audit", "--db", str(db)], capture_output=True, text=True, timeout=60)
        assert audit.returncode == 0, audit.stdout + audit.stderr
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
    finally:
        for process in (producer, service):
            if process.poll() is None:
                process.kill()
                process.wait()


def test_a_damaged_database_at_start_is_one_clear_line_and_stays_as_it_was(eddy_bin, tmp_path):
    """A file cut short by a bad volume, or one that is not a database at all: eddy names the file and
    the recovery, exits non-zero, and leaves the file byte for byte as it was."""
    good = tmp_path / "good.db"
    assert subprocess.run([eddy_bin, "migrate", "--db", str(good)], capture_output=True, timeout=30).returncode == 0
    truncated, garbage, inside = tmp_path / "truncated.db", tmp_path / "garbage.db", tmp_path / "inside.db"
    truncated.write_bytes(good.read_bytes()[:8192])
    garbage.write_bytes(bytes(range(256)) * 16)
    # A page in the middle of a file whose header is intact, overwritten (a bad volume): found at start.
    inside.write_bytes(good.read_bytes())
    db = sqlite3.connect(inside)
    with db:
        db.executemany("INSERT INTO failed_messages (topic, partition, offset, payload, error_class, error, first_failed_at, "
                       "last_attempt_at) VALUES ('t', 0, ?, randomblob(300), 'invalid', 'r', 0, 0)", [(i,) for i in range(3000)])
    db.close()  # the last connection: the WAL goes into the file
    page_size, pages = 4096, inside.stat().st_size // 4096
    with open(inside, "r+b") as file:
        file.seek(page_size * (pages // 2))
        file.write(b"\xff" * page_size)
    for damaged in (truncated, garbage, inside):
        before = hashlib.sha256(damaged.read_bytes()).hexdigest()
        result = subprocess.run([eddy_bin, "run", "--brokers", "127.0.0.1:1", "--db", str(damaged), "--http", "off"],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode != 0
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert str(damaged) in lines[0] and "damaged" in lines[0] and "backup" in lines[0] and "changelog" in lines[0], lines[0]
        assert damaged != inside or "quick_check" in lines[0], lines[0]
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


def send_one_by_one(producer, topic, first, count):
    """Events u{first}.. of now, one produce request each: the mock trims a whole request that follows a large one."""
    for i in range(first, first + count):
        producer.send(topic, value=json.dumps({"user_id": f"u{i}", "timestamp": int(time.time())}).encode())
        producer.flush(60)


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
        send_one_by_one(producer, broker.topic, first, count)

    send(0, 100)
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, tmp_path / "first.log")
    try:
        helpers.wait_for_total(db, 100, timeout=60)
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0

        # While it is stopped: 200 events, then a 5.5 MB message, which makes the mock drop everything up
        # to it, itself included, and the request after it (one more event): the log is empty, and starts
        # past 300.
        send(100, 200)
        producer.send(broker.topic, value=os.urandom(5_500_000))
        producer.flush(60)
        send(301, 1)
        probe = KafkaConsumer(bootstrap_servers=broker.bootstrap, api_version=(2, 5))
        partition = TopicPartition(broker.topic, 0)
        start, end = probe.beginning_offsets([partition])[partition], probe.end_offsets([partition])[partition]
        assert start > 300 and end == start, f"the mock trimmed otherwise than expected: log from {start} to {end}"

        # The gap is recorded when the partition is assigned, before any message after it comes.
        log = tmp_path / "second.log"
        service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, "--http", url.removeprefix("http://"))

        def gaps():
            with sqlite3.connect(db) as connection:
                return connection.execute("SELECT topic, partition, from_offset, to_offset FROM offset_gaps").fetchall()
        helpers.wait_until(lambda: gaps() == [(broker.topic, 0, 100, start)], 60, lambda: f"no gap recorded at assignment: {gaps()}")

        send(start, 50)
        end = probe.end_offsets([partition])[partition]
        probe.close()
        helpers.wait_for_total(db, end, timeout=60)
        with sqlite3.connect(db) as connection:
            counted = connection.execute("SELECT SUM(logins) FROM login_counts").fetchone()[0]
        assert gaps() == [(broker.topic, 0, 100, start)], "one gap, recorded once"
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


def test_messages_deleted_while_eddy_waits_are_a_recorded_gap_inside_a_batch(eddy_bin, broker_factory, tmp_path):
    """Eddy runs but waits (an operator's sqlite3 transaction holds the write lock) while the broker deletes
    messages past those librdkafka had already fetched: librdkafka starts again at the log's new start, so
    the messages it hands over next skip ahead inside one batch. That range is a recorded gap as well."""
    import os
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    broker = broker_factory(partitions=1)
    db = tmp_path / "eddy.db"
    log = tmp_path / "eddy.log"
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, api_version=(2, 5), max_request_size=20_000_000)
    probe = KafkaConsumer(bootstrap_servers=broker.bootstrap, api_version=(2, 5))
    partition = TopicPartition(broker.topic, 0)

    def send(first, count):
        send_one_by_one(producer, broker.topic, first, count)

    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log)
    shell = None
    try:
        assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
        send(0, 10)
        helpers.wait_for_total(db, 10, timeout=60)
        shell = subprocess.Popen(["sqlite3", str(db)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        # The shell waits for Eddy's own write to end (without .timeout it would fail to take the lock, and go on).
        shell.stdin.write(".timeout 20000\nBEGIN IMMEDIATE;\nUPDATE failed_messages SET reprocess = reprocess WHERE 0;\n")
        shell.stdin.flush()
        # One batch waits for the lock, the next one for it: the consumer thread polls nothing meanwhile,
        # and librdkafka fetches the 200 events after them into its queue.
        for offset in (10, 11):
            send(offset, 1)
            time.sleep(2)
        send(12, 200)
        time.sleep(3)
        # A 5.5 MB message makes the mock drop everything up to it, itself included, and the request after
        # it; librdkafka's next fetch is out of range, and it starts again at the log's start.
        producer.send(broker.topic, value=os.urandom(5_500_000))
        producer.flush(60)
        send(213, 1)
        start = probe.beginning_offsets([partition])[partition]
        assert start > 212, f"the mock trimmed otherwise than expected: the log starts at {start}"
        send(start, 50)
        end = probe.end_offsets([partition])[partition]
        time.sleep(3)

        shell.stdin.write("COMMIT;\n")
        shell.stdin.close()
        assert shell.wait(timeout=10) == 0
        helpers.wait_for_total(db, end, timeout=60)
        with sqlite3.connect(db) as connection:
            gaps = connection.execute("SELECT partition, from_offset, to_offset FROM offset_gaps").fetchall()
            counted = connection.execute("SELECT SUM(logins) FROM login_counts").fetchone()[0]
        assert len(gaps) == 1 and gaps[0][0] == 0 and 12 <= gaps[0][1] <= 212 and gaps[0][2] == start, gaps
        assert counted == gaps[0][1] + (end - start), "every event read is counted, and every other offset is in the gap"
        assert f"offsets {gaps[0][1]}..<{start} were deleted by the broker before Eddy read them" in log.read_text(errors="replace")
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
    finally:
        producer.close()
        probe.close()
        for process in (service, shell):
            if process and process.poll() is None:
                process.kill()
                process.wait()


@pytest.mark.parametrize("changelog", ["off", "on"])
def test_a_stored_offset_past_the_partitions_end_is_refused_until_eddy_offsets_reset(eddy_bin, broker_factory, tmp_path, changelog):
    """The topic is recreated (here: a new broker) while Eddy is stopped, and partition 0's stored offset
    now lies past the end of its log. Eddy refuses that partition with an error naming it, the stored and
    the broker's offsets and the command that resets it; /readyz and a metric say so; partition 1 goes
    on. `eddy offsets reset` drops the partition's old rows and records what it did; after a restart the
    new log is read from its start, and the state is exact. With the changelog on, the partition starts
    over in the changelog too: a new instance on an empty database restores exactly that state."""
    from kafka import KafkaProducer

    options = ["--changelog-topic", "off"] if changelog == "off" else []

    def send(broker, counts):
        producer = KafkaProducer(bootstrap_servers=broker.bootstrap, api_version=(2, 5))
        for partition, count in counts.items():
            for i in range(count):
                producer.send(broker.topic, value=json.dumps({"user_id": f"u{partition}-{i}", "timestamp": int(time.time())}).encode(),
                              partition=partition)
        producer.flush(60)
        producer.close()

    db = tmp_path / "eddy.db"
    old = broker_factory(partitions=2)
    send(old, {0: 100, 1: 100})
    service = helpers.run_eddy(eddy_bin, old.bootstrap, db, tmp_path / "first.log", *options)
    try:
        helpers.wait_for_total(db, 200, timeout=60)
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0

        new = broker_factory(partitions=2)
        send(new, {0: 30, 1: 120})
        url = f"http://127.0.0.1:{helpers.free_port()}"
        log = tmp_path / "second.log"
        service = helpers.run_eddy(eddy_bin, new.bootstrap, db, log, *options, "--http", url.removeprefix("http://"))
        command = f"eddy offsets reset --db {db} --topic user-login --partition 0 --to 0"
        assert helpers.wait_for_log(log, command, timeout=60), log.read_text()[-3000:]
        assert "user-login[0] is refused: its stored offset 100 lies past the end of the broker's log, which holds offsets 0..<30" in log.read_text()
        helpers.wait_for_total(db, 220, timeout=60)  # partition 1 goes on, from 100 to 120: 100 + 120
        status, detail = helpers.http_get(url + "/readyz")
        assert status == 503 and "refusing user-login[0]" in detail, detail
        assert metric(url, "eddy_partitions_refused") == 1
        assert service.poll() is None, "eddy exited instead of refusing one partition"
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
        with sqlite3.connect(db) as connection:
            assert connection.execute("SELECT next_offset FROM consumer_offsets WHERE partition = 0").fetchone()[0] == 100
            rows = sum(connection.execute(f"SELECT COUNT(*) FROM {table} WHERE partition = 0").fetchone()[0]
                       for table in ("login_events", "login_counts", "login_event_minutes", "failed_messages"))
        assert rows > 100

        reset = subprocess.run([eddy_bin, *command.split()[1:]], capture_output=True, text=True, timeout=60)
        assert reset.returncode == 0, reset.stderr
        assert f"user-login[0] resumes from 100 at 0 now; {rows} rows of it dropped" in reset.stdout, reset.stdout
        assert "note:" not in reset.stdout, "every old event of the partition is stored: all of it leaves the counts"
        with sqlite3.connect(db) as connection:
            assert connection.execute("SELECT topic, partition, from_offset, to_offset, rows_dropped FROM offset_resets").fetchall() == [
                ("user-login", 0, 100, 0, rows)]

        service = helpers.run_eddy(eddy_bin, new.bootstrap, db, tmp_path / "third.log", *options, "--http",
                                   url.removeprefix("http://"))
        helpers.wait_for_total(db, 150, timeout=60)  # 30 + 120
        helpers.wait_until(lambda: helpers.http_get(url + "/readyz")[0] == 200, 30, "/readyz did not come back after the reset")
        with sqlite3.connect(db) as connection:
            per_partition = dict(connection.execute("SELECT partition, COUNT(*) FROM login_events GROUP BY partition"))
            counted = connection.execute("SELECT SUM(logins) FROM login_counts").fetchone()[0]
        # The old log's 100 events of partition 0 left the counts with their rows. (All in one or two minutes,
        # which `eddy audit` leaves out as the oldest: the counts are compared here.)
        assert per_partition == {0: 30, 1: 120} and counted == 150, (per_partition, counted)
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
        if changelog == "on":
            third = (tmp_path / "third.log").read_text()
            assert "user-login[0]: the local state is its latest" in third and "restored from the changelog" not in third, third[-3000:]
            # Another instance, on an empty database, restores both partitions from the changelog: partition 0
            # as it started over, not the old log's 100 events.
            other = tmp_path / "other.db"
            service = helpers.run_eddy(eddy_bin, new.bootstrap, other, tmp_path / "other.log")
            helpers.wait_for_total(other, 150, timeout=90)
            with sqlite3.connect(other) as connection:
                restored = dict(connection.execute("SELECT partition, COUNT(*) FROM login_events GROUP BY partition"))
                counted = connection.execute("SELECT SUM(logins) FROM login_counts").fetchone()[0]
            assert restored == {0: 30, 1: 120} and counted == 150, (restored, counted)
            assert "restored from the changelog" in (tmp_path / "other.log").read_text()
            service.send_signal(signal.SIGTERM)
            assert service.wait(timeout=30) == 0
    finally:
        if service.poll() is None:
            service.kill()
            service.wait()


@pytest.fixture
def small_disk(tmp_path):
    """A 24 MB tmpfs, unmounted after the test; the test is skipped, saying why, where mounting is refused."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(disk)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"this machine cannot mount a tmpfs (it needs root): {mounted.stderr.strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def fill(disk, leaving):
    """Grows the file `filler` on `disk` until about `leaving` bytes are free (0: until the disk refuses)."""
    with open(disk / "filler", "ab", buffering=0) as filler:
        try:
            free = os.statvfs(disk)
            filler.write(b"\0" * max(0, free.f_bavail * free.f_frsize - leaving))
            while leaving == 0:
                filler.write(b"\0" * 4096)
        except OSError:
            pass


def test_a_full_disk_pauses_eddy_which_resumes_exact_when_space_comes_back(eddy_bin, broker_factory, tmp_path, small_disk):
    """The database lives on a small tmpfs that a filler file then fills while events stream in: Eddy
    stops consuming, logs one clear line, says so in /readyz and a metric (and stays live), retries, and
    when the filler goes, resumes by itself and ends exact."""
    disk = small_disk
    broker = broker_factory(partitions=4)
    events = 40_000
    producer = subprocess.Popen(
        [eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", str(events), "--rate", "1000", "--seed", "44",
         "--bad-share", "0.05", "--log-level", "warning"], stdout=subprocess.DEVNULL)
    db = disk / "eddy.db"
    url = f"http://127.0.0.1:{helpers.free_port()}"
    log = tmp_path / "eddy.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, "--http", url.removeprefix("http://"))
    filler = disk / "filler"
    try:
        helpers.wait_until(lambda: helpers.committed_total(db) > 3_000, 60, "eddy committed nothing")
        fill(disk, leaving=256 * 1024)  # a few batches fit, then SQLite gets ENOSPC
        helpers.wait_until(lambda: "cannot grow: its disk is full" in log.read_text(errors="replace"), 60,
                           lambda: f"eddy did not say the disk is full: {log.read_text(errors='replace')[-2000:]}")
        assert "free disk space (or grow the volume, or raise the limit) and Eddy resumes by itself" in log.read_text(errors="replace")
        status, detail = helpers.http_get(url + "/readyz")
        assert status == 503 and "the database cannot grow" in detail, f"/readyz on a full disk: {status} {detail}"
        assert helpers.http_get(url + "/healthz")[0] == 200, "a full disk is not a wedged process: /healthz must stay 200"
        assert metric(url, "eddy_disk_full") == 1
        # Take the last free blocks too. A commit may still fit in the WAL's space from before (SQLite reuses
        # it), but consumption stalls.
        fill(disk, leaving=0)
        paused_at = helpers.committed_total(db)
        time.sleep(5)
        assert service.poll() is None, f"eddy exited on a full disk: {log.read_text(errors='replace')[-2000:]}"
        assert helpers.committed_total(db) <= paused_at + 2_000, "eddy went on consuming on a full disk"
        assert helpers.http_get(url + "/readyz")[0] == 503

        filler.unlink()
        assert producer.wait(timeout=120) == 0, "eddy produce failed"
        helpers.wait_for_total(db, events, timeout=120)
        helpers.wait_until(lambda: helpers.http_get(url + "/readyz")[0] == 200, 30, "/readyz did not come back")
        assert metric(url, "eddy_disk_full") == 0 and metric(url, "eddy_disk_full_waits_total") >= 1
        assert "took writes again after" in log.read_text(errors="replace")
        helpers.wait_until(lambda: helpers.outbox_pending(db) == 0, 60, "the outbox did not drain after the disk came back")
        assert helpers.stored_state(db) == helpers.expected_state(helpers.read_topic(broker.bootstrap, broker.topic))
        audit = subprocess.run([eddy_bin, "audit", "--db", str(db)], capture_output=True, text=True, timeout=60)
        assert audit.returncode == 0, audit.stdout + audit.stderr
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
    finally:
        for process in (producer, service):
            if process.poll() is None:
                process.kill()
                process.wait()



def test_at_its_size_limit_eddy_pauses_until_retention_makes_room(eddy_bin, broker_factory, tmp_path):
    """With --max-database-size, the file stops growing at the limit: Eddy pauses as on a full disk, and the
    retention step it runs between retries (the consumer loop's own waits behind the stuck batch) deletes
    the events that expired meanwhile; their pages make room, and Eddy resumes by itself. Every event is
    counted once."""
    from kafka import KafkaProducer

    # Four partitions, and events sent only while Eddy reads: the mock broker keeps about 5 MB of each.
    broker = broker_factory(partitions=4)
    db = tmp_path / "eddy.db"
    log = tmp_path / "eddy.log"
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, api_version=(2, 5), linger_ms=20)
    sent = 0

    def send(count, age):
        nonlocal sent
        for _ in range(count):
            event = {"user_id": f"user-{sent}-" + "x" * 100, "timestamp": int(time.time()) - age, "device_type": "web"}
            producer.send(broker.topic, value=json.dumps(event).encode())
            sent += 1
        producer.flush(60)

    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, "--max-database-size", "6MB", "--retain-events", "1m",
                               "--output-topic", "", "--changelog-topic", "off")
    try:
        assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
        # Events of 30 s ago: they expire under the 1-minute retention 30 to 90 s from now.
        for _ in range(30):
            send(2_000, age=30)
            if "cannot grow" in log.read_text(errors="replace"):
                break
        helpers.wait_until(lambda: "cannot grow: its disk is full, or it reached --max-database-size" in log.read_text(errors="replace"), 60,
                           lambda: f"the limit was never reached: {db.stat().st_size} bytes")
        stuck_at = helpers.committed_total(db)
        assert stuck_at < sent
        helpers.wait_until(lambda: "took writes again" in log.read_text(errors="replace"), 150,
                           lambda: f"eddy did not resume on its own: {log.read_text(errors='replace')[-2000:]}")
        assert "retention freed space on the full disk" in log.read_text(errors="replace")
        helpers.wait_for_total(db, sent, timeout=120)
        assert db.stat().st_size <= 6_000_000 + 4096
        with sqlite3.connect(db) as connection:
            counted = connection.execute("SELECT SUM(logins) FROM login_counts").fetchone()[0]
            failed = connection.execute("SELECT COUNT(*) FROM failed_messages").fetchone()[0]
            gaps = connection.execute("SELECT * FROM offset_gaps").fetchall()
        assert gaps == [], "the broker deleted events before Eddy read them: the test sent more than the mock keeps"
        assert (counted, failed) == (sent, 0), "every event counted once, though retention deleted their rows"
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
    finally:
        producer.close()
        if service.poll() is None:
            service.kill()
            service.wait()
