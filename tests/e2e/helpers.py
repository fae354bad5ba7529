"""Helpers shared by the end-to-end tests: read a topic independently, query the database, run eddy."""
import collections
import os
import pathlib
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

from kafka import KafkaConsumer, TopicPartition

import rules


def read_topic(bootstrap, topic, with_headers=False):
    """Every message of `topic`, read with kafka-python (an independent client): (partition, offset, value),
    and the headers as a dict when `with_headers`."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, api_version=(2, 5))
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        messages = []
        deadline = time.time() + 60
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            assert time.time() < deadline, "reading the topic back took too long"
            for tp, records in consumer.poll(timeout_ms=500).items():
                messages += [
                    (tp.partition, record.offset, record.value)
                    + ((dict((k, v.decode()) for k, v in record.headers),) if with_headers else ())
                    for record in records
                ]
        return messages
    finally:
        consumer.close()


def expected_state(messages):
    """What eddy must hold for `messages`: counts by key, valid (partition, offset)s, failed rows."""
    counts = collections.Counter()
    valid = set()
    failed = {}
    for partition, offset, value in messages:
        verdict, key = rules.classify(value)
        if verdict == "valid":
            counts[key] += 1
            valid.add((partition, offset))
        else:
            failed[(partition, offset)] = (verdict, value)
    return counts, valid, failed


def stored_state(db_path):
    """The same three things as eddy stored them, read in one transaction: a live writer (eddy mirror)
    cannot show the reads two different moments."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        db.execute("BEGIN")
        counts = collections.Counter(
            {tuple(row[:4]): row[4] for row in db.execute(
                "SELECT window_start, device_type, locale, app_version, SUM(logins) FROM login_counts GROUP BY 1, 2, 3, 4")}
        )
        valid = set(db.execute("SELECT partition, offset FROM login_events"))
        failed = {(p, o): (c, v) for p, o, c, v in db.execute(
            "SELECT partition, offset, error_class, payload FROM failed_messages")}
        events = db.execute("SELECT COUNT(*) FROM login_events").fetchone()[0]
    assert events == len(valid), "login_events holds a (partition, offset) twice"
    return counts, valid, failed


def committed_total(db_path):
    """The sum of stored next offsets: how many messages are done when every topic starts at 0."""
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT COALESCE(SUM(next_offset), 0) FROM consumer_offsets").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def outbox_pending(db_path):
    """Messages waiting in the outbox (a row with `records` stands for that many; a database of a build
    from before that column, which the bench may compare against, has one per row)."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as db:
        try:
            return db.execute("SELECT COALESCE(SUM(records), 0) FROM outbox_unsent").fetchone()[0]
        except sqlite3.OperationalError:
            return db.execute("SELECT COUNT(*) FROM outbox_unsent").fetchone()[0]


def wait_until(condition, timeout, message):
    """Polls `condition` until it holds; fails with `message` (a text, or a function that makes it) after
    `timeout` seconds."""
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, message() if callable(message) else message
        time.sleep(0.05)


def wait_for_total(db_path, total, timeout):
    wait_until(lambda: committed_total(db_path) >= total, timeout,
               f"eddy did not commit {total} messages in {timeout} s")


# A killed member stays in the group until its session times out; the default (45 s) would make every
# restart wait that long, so the tests use the mock broker's smallest practical timeout.
RUN_ENV = {"EDDY_KAFKA_SESSION_TIMEOUT_MS": "6000"}


def run_eddy(eddy_bin, bootstrap, db_path, log_path, *extra):
    """Starts `eddy run` in the background, logging to `log_path`; its ops endpoints take a free port
    unless `extra` names one."""
    http = [] if "--http" in extra else ["--http", "127.0.0.1:0"]
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [eddy_bin, "run", "--brokers", bootstrap, "--db", str(db_path), "--group", "e2e",
             "--batch-size", "2000", "--batch-latency", "50ms", *http, *extra],
            stdout=log,
            stderr=log,
            env=dict(os.environ, **RUN_ENV),
        )


def wait_for_log(log_path, text, timeout):
    """Waits until `text` appears in the log; returns whether it did."""
    try:
        wait_until(lambda: text in pathlib.Path(log_path).read_text(errors="replace"), timeout, "")
        return True
    except AssertionError:
        return False


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_get(url):
    """(status, body) of GET `url`; (0, "") while nothing listens."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except urllib.error.URLError:
        return 0, ""
