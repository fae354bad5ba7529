"""workloads/orders.yaml end to end: `eddy produce --stream orders` and `eddy run --workload`, checked
against order_rules.py (the file's rules written again in Python) on the topic read back with kafka-python."""
import collections
import pathlib
import random
import signal
import sqlite3
import subprocess
import time

import helpers
import order_rules

ROOT = pathlib.Path(__file__).resolve().parents[2]
ORDERS = ("--workload", str(ROOT / "workloads/orders.yaml"))


def stored_orders(db):
    """What eddy keeps, read in one transaction, shaped as order_rules.expected_totals gives it."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        connection.execute("BEGIN")
        totals = {(hour, currency, status): [orders, amount, largest] for hour, currency, status, orders, amount, largest in connection.execute(
            "SELECT window_start, currency, status, SUM(orders), SUM(amount), MAX(largest) FROM order_totals GROUP BY 1, 2, 3")}
        valid = set(connection.execute("SELECT partition, offset FROM order_events"))
        failed = dict(((p, o), c) for p, o, c in connection.execute("SELECT partition, offset, error_class FROM failed_messages"))
        payloads = dict(((p, o), v) for p, o, v in connection.execute("SELECT partition, offset, payload FROM failed_messages"))
    return totals, valid, failed, payloads


def test_orders_survive_kill9_exact_and_every_bad_order_is_accounted_for(eddy_bin, broker_factory, tmp_path):
    """30,000 orders (10 % bad of every kind, late ones too) while eddy is killed -9 four times: the hourly
    totals, the events and the failed rows equal what the rules say of the topic, each failed row with the
    message's exact bytes; `eddy audit` recomputes the totals from order_events and finds them equal."""
    orders = 30_000
    broker = broker_factory(partitions=4, topic="orders")
    db = tmp_path / "eddy.db"
    started = int(time.time())
    producer = subprocess.Popen(
        [eddy_bin, "produce", "--brokers", broker.bootstrap, "--stream", "orders", "--count", str(orders), "--rate", "1500",
         "--seed", "23", "--bad-share", "0.1", "--log-level", "warning"], stdout=subprocess.PIPE, text=True)
    chaos = random.Random(23)
    service = None
    try:
        for kill in range(4):
            log = tmp_path / f"eddy-{kill}.log"
            service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, *ORDERS)
            assert helpers.wait_for_log(log, "partitions assigned", timeout=60), log.read_text()[-2000:]
            time.sleep(chaos.uniform(0.5, 2.5))
            service.send_signal(signal.SIGKILL)
            service.wait()
        out, _ = producer.communicate(timeout=120)
        assert producer.returncode == 0 and f"produced {orders} events" in out and "to orders" in out, out
        log = tmp_path / "eddy-last.log"
        service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, *ORDERS)
        assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
        helpers.wait_for_total(db, orders, timeout=120)
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0

        messages = helpers.read_topic(broker.bootstrap, "orders")
        assert len(messages) == orders
        totals, valid, failed = order_rules.expected_totals(messages, now=started)
        stored_totals, stored_valid, stored_failed, payloads = stored_orders(db)
        assert stored_valid == valid, "order_events holds exactly the valid orders"
        assert stored_failed == failed, "failed_messages holds exactly the bad orders, each with its class"
        assert stored_totals == totals, "the hourly totals are exact"
        by_offset = {(p, o): v for p, o, v in messages}
        assert all(payloads[key] == by_offset[key] for key in failed), "each failed row keeps the message's exact bytes"
        classes = collections.Counter(failed.values())
        assert classes["malformed"] > 300 and classes["invalid"] > 1000 and classes["late"] > 50, classes
        assert len(totals) > 20, "several hours, currencies and statuses"

        audit = subprocess.run([eddy_bin, "audit", "--db", str(db), *ORDERS], capture_output=True, text=True, timeout=60)
        assert audit.returncode == 0 and "order_totals matches order_events" in audit.stdout, audit.stdout + audit.stderr
        # A sum changed by hand: the audit names its window, group and measure, and exits 1.
        with sqlite3.connect(db) as connection:
            hour, currency, status, topic, partition = connection.execute(
                "SELECT window_start, currency, status, topic, partition FROM order_totals ORDER BY orders DESC LIMIT 1").fetchone()
            changed = connection.execute("UPDATE order_totals SET amount = amount + 7 WHERE (window_start, currency, status, topic, partition) "
                                         "= (?, ?, ?, ?, ?)", (hour, currency, status, topic, partition)).rowcount
            assert changed == 1
        audit = subprocess.run([eddy_bin, "audit", "--db", str(db), *ORDERS], capture_output=True, text=True, timeout=60)
        stamp = time.strftime("%Y-%m-%d %H:%M:00Z", time.gmtime(hour))
        line = next((l for l in audit.stdout.splitlines() if l.startswith(stamp)), "")
        assert audit.returncode == 1 and line.split()[2:5] == [currency, status, "amount"], audit.stdout + audit.stderr
        assert int(line.split()[5]) == int(line.split()[6]) + 7 and "values that differ: 1," in audit.stdout
    finally:
        for process in (producer, service):
            if process and process.poll() is None:
                process.kill()
                process.wait()
