"""workloads/orders.yaml end to end: `eddy produce --stream orders` and `eddy run --workload`, checked
against order_rules.py (the file's rules written again in Python) on the topic read back with kafka-python."""
import collections
import pathlib
import random
import signal
import sqlite3
import subprocess
import time

from prometheus_client.parser import text_string_to_metric_families

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


def run_until_done(eddy_bin, broker, db, log, total, *arguments, before_stop=lambda: None):
    """`eddy run` with `arguments` until `total` messages are done, then SIGTERM; returns what `before_stop`
    (called while it still runs) returns."""
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, *arguments)
    try:
        assert helpers.wait_for_log(log, "partitions assigned", timeout=60), log.read_text()[-1500:]
        helpers.wait_for_total(db, total, timeout=90)
        result = before_stop()
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0, log.read_text()[-1500:]
        return result
    finally:
        if service.poll() is None:
            service.kill()
            service.wait()


def test_orders_survive_kill9_exact_and_every_bad_order_is_accounted_for(eddy_bin, broker_factory, tmp_path):
    """30,000 orders (10 % bad of every kind, late ones too) while eddy is killed -9 four times, each time
    started on the other of two databases (the partitions' state comes back through the changelog): the
    hourly totals, the events and the failed rows equal what the rules say of the topic, each failed row with
    the message's exact bytes; `eddy mirror --workload` keeps the same totals; `eddy audit` recomputes the
    totals from order_events and finds them equal, and names a sum changed by hand."""
    orders = 30_000
    broker = broker_factory(partitions=4, topic="orders")
    db = tmp_path / "eddy.db"
    databases = (db, tmp_path / "other.db")
    cluster_db = tmp_path / "cluster.db"
    started = int(time.time())
    producer = subprocess.Popen(
        [eddy_bin, "produce", "--brokers", broker.bootstrap, "--stream", "orders", "--count", str(orders), "--rate", "1500",
         "--seed", "23", "--bad-share", "0.1", "--log-level", "warning"], stdout=subprocess.PIPE, text=True)
    with open(tmp_path / "mirror.log", "ab") as log:
        mirror = subprocess.Popen([eddy_bin, "mirror", "--brokers", broker.bootstrap, "--group", "e2e", "--db", str(cluster_db),
                                   "--http", "off", *ORDERS], stdout=log, stderr=log)
    chaos = random.Random(23)
    service = None
    try:
        for kill in range(4):
            log = tmp_path / f"eddy-{kill}.log"
            service = helpers.run_eddy(eddy_bin, broker.bootstrap, databases[kill % 2], log, *ORDERS)
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
        helpers.wait_until(lambda: stored_orders(cluster_db)[0] == totals, 60,
                           lambda: f"eddy mirror's totals are not the cluster's: {(tmp_path / 'mirror.log').read_text()[-1500:]}")
        assert mirror.poll() is None, "eddy mirror stopped"
        by_offset = {(p, o): v for p, o, v in messages}
        assert all(payloads[key] == by_offset[key] for key in failed), "each failed row keeps the message's exact bytes"
        classes = collections.Counter(failed.values())
        assert classes["malformed"] > 300 and classes["invalid"] > 1000 and classes["late"] > 50, classes
        assert len(totals) > 20, "several hours, currencies and statuses"

        audit = subprocess.run([eddy_bin, "audit", "--db", str(db), *ORDERS], capture_output=True, text=True, timeout=60)
        assert audit.returncode == 0 and "order_totals matches the stored events of order_events" in audit.stdout, audit.stdout + audit.stderr
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
        for process in (producer, service, mirror):
            if process and process.poll() is None:
                process.kill()
                process.wait()


def test_offsets_reset_takes_a_partitions_orders_out_of_the_shared_totals(eddy_bin, broker_factory, tmp_path):
    """Changelog off (the totals are kept for every partition together): `eddy offsets reset --workload` drops
    partition 1's rows and takes what its stored events added out of the shared counts and sums, says that a
    largest value cannot be taken back, and `eddy prune --workload` applies the file's retention; eddy then
    reads the partition again and the totals are exact."""
    broker = broker_factory(partitions=2, topic="orders")
    db = tmp_path / "eddy.db"
    started = int(time.time())
    produced = subprocess.run([eddy_bin, "produce", "--brokers", broker.bootstrap, "--stream", "orders", "--count", "4000",
                               "--seed", "29", "--bad-share", "0.05", "--log-level", "warning"], capture_output=True, text=True, timeout=120)
    assert produced.returncode == 0, produced.stderr

    address = f"127.0.0.1:{helpers.free_port()}"

    def written():
        """eddy_rows_written_total per table."""
        text = helpers.http_get(f"http://{address}/metrics")[1]
        return {s.labels["table"]: s.value for family in text_string_to_metric_families(text) for s in family.samples
                if s.name == "eddy_rows_written_total"}

    def run():
        return run_until_done(eddy_bin, broker, db, tmp_path / "eddy.log", 4000, "--changelog-topic", "off", "--http", address, *ORDERS,
                              before_stop=written)

    rows_written = run()
    messages = helpers.read_topic(broker.bootstrap, "orders")
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT (SELECT COUNT(*) FROM order_events), (SELECT COUNT(*) FROM order_totals)").fetchone()
    # Each batch upserts a window's row again: order_totals is written at least once per row it holds.
    assert rows_written["order_events"] == rows[0] and rows_written["order_totals"] >= rows[1] > 0, (rows_written, rows)
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT DISTINCT topic, partition FROM order_totals").fetchall() == [("", -1)]
    reset = subprocess.run([eddy_bin, "offsets", "reset", "--db", str(db), "--topic", "orders", "--partition", "1", "--to", "0", *ORDERS],
                           capture_output=True, text=True, timeout=60)
    assert reset.returncode == 0, reset.stderr
    assert "orders[1] resumes from" in reset.stdout and "order_totals keeps the values of largest" in reset.stdout, reset.stdout

    def counts_and_sums(totals):
        return {key: value[:2] for key, value in totals.items()}
    kept = order_rules.expected_totals([m for m in messages if m[0] == 0], now=started)
    assert counts_and_sums(stored_orders(db)[0]) == counts_and_sums(kept[0]), "only partition 0's orders are counted"
    assert stored_orders(db)[1] == kept[1]

    pruned = subprocess.run([eddy_bin, "prune", "--db", str(db), *ORDERS], capture_output=True, text=True, timeout=60)
    assert pruned.returncode == 0 and [line.split()[:2] for line in pruned.stdout.splitlines()[1:3]] == [["order_events", "30d"], ["order_totals", "400d"]], pruned.stdout

    run()
    totals, valid, failed = order_rules.expected_totals(messages, now=started)
    assert stored_orders(db)[:3] == (totals, valid, failed)


def test_a_database_of_the_built_in_workload_runs_on_with_the_user_login_file(eddy_bin, broker_factory, tmp_path):
    """A database first written by the built-in workload is taken as it is by `--workload
    workloads/user-login.yaml`, which goes on exact; the built-in workload refuses a database a file made,
    and says to give the file."""
    broker = broker_factory(partitions=2)
    db = tmp_path / "eddy.db"

    def produce_and_consume(seed, total, *workload):
        assert subprocess.run([eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", "3000", "--seed", str(seed),
                               "--log-level", "warning"], capture_output=True, timeout=120).returncode == 0
        run_until_done(eddy_bin, broker, db, tmp_path / "eddy.log", total, *workload)

    produce_and_consume(31, 3000)
    produce_and_consume(32, 6000, "--workload", str(ROOT / "workloads/user-login.yaml"))
    assert helpers.stored_state(db) == helpers.expected_state(helpers.read_topic(broker.bootstrap, broker.topic))

    made = tmp_path / "made-by-file.db"
    assert subprocess.run([eddy_bin, "migrate", "--db", str(made), "--workload", str(ROOT / "workloads/user-login.yaml")],
                          capture_output=True, timeout=60).returncode == 0
    refused = subprocess.run([eddy_bin, "migrate", "--db", str(made)], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "was made by a workload file" in refused.stderr and "--workload" in refused.stderr, refused.stderr


def test_the_five_commands_of_the_workloads_page_give_answers(eddy_bin, tmp_path):
    """docs/workloads.md's five commands, run as they are written in an empty folder with `eddy` on the
    PATH: the query prints a total per currency, and at the end every order is counted or failed, and
    `eddy audit` agrees with the totals."""
    import os
    page = (ROOT / "docs/workloads.md").read_text()
    block = page.split("<!-- five-commands:", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.startswith("eddy ") or line.startswith("sleep ") or line.startswith("cat ")]
    assert len(commands) == 5, block
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "eddy").symlink_to(eddy_bin)
    folder = tmp_path / "empty"
    folder.mkdir()
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", EDDY_HTTP="127.0.0.1:0", **helpers.RUN_ENV)
    # The background jobs keep the shell's standard streams open: files, not pipes.
    with open(tmp_path / "out.txt", "w") as out_file, open(tmp_path / "err.txt", "w") as err_file:
        shell = subprocess.Popen(["bash", "-e", "-c", block], cwd=folder, env=env, stdout=out_file, stderr=err_file,
                                 start_new_session=True)
    try:
        assert shell.wait(timeout=180) == 0, (tmp_path / "err.txt").read_text()
        out = (tmp_path / "out.txt").read_text()
        lines = out.strip().splitlines()
        assert "currency|orders|amount" in lines, out
        answers = [line.split("|") for line in lines[lines.index("currency|orders|amount") + 1:]]
        assert answers and {currency for currency, _, _ in answers} <= {"EUR", "USD", "GBP", "JPY", "CHF"}, out
        db = folder / "orders.db"
        helpers.wait_for_total(db, 50_000, timeout=120)
        with sqlite3.connect(db) as connection:
            counted = connection.execute("SELECT SUM(orders) FROM order_totals").fetchone()[0]
            failed = connection.execute("SELECT COUNT(*) FROM failed_messages").fetchone()[0]
        assert counted + failed == 50_000 and 1_000 < failed < 4_000, (counted, failed)
        audit = subprocess.run([eddy_bin, "audit", "--db", str(db), "--workload", str(folder / "orders.yaml")],
                               capture_output=True, text=True, timeout=60)
        assert audit.returncode == 0 and "order_totals matches the stored events of order_events" in audit.stdout, audit.stdout + audit.stderr
    finally:
        # The broker and the service the block left running, at once (the service's graceful stop would wait
        # for the broker it lost).
        try:
            os.killpg(shell.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        shell.wait(timeout=30)


def test_late_orders_wait_in_failed_messages_and_count_once_reprocessed_after_the_file_allows_them(eddy_bin, broker_factory, tmp_path):
    """With a lateness of 1 h, orders of the hours before fail as `late` (and the 10-day-old ones); the file
    lengthened to 2 days (a change its tables take in place) and `eddy run --reprocess-failed`: the ones it
    now takes are counted once, exactly as the file's rules say, and the 10-day-old ones stay dead."""
    broker = broker_factory(partitions=2, topic="orders")
    db = tmp_path / "eddy.db"
    started = int(time.time())
    strict = tmp_path / "orders-strict.yaml"
    strict.write_text((ROOT / "workloads/orders.yaml").read_text().replace("lateness: 2d", "lateness: 1h"))
    assert "lateness: 1h" in strict.read_text()
    produced = subprocess.run([eddy_bin, "produce", "--brokers", broker.bootstrap, "--stream", "orders", "--count", "3000",
                               "--seed", "37", "--bad-share", "0.1", "--log-level", "warning"], capture_output=True, text=True, timeout=120)
    assert produced.returncode == 0, produced.stderr

    def late_left(db):
        with sqlite3.connect(db) as connection:
            return connection.execute("SELECT COUNT(*) FROM failed_messages WHERE error_class = 'late' AND status != 'resolved'").fetchone()[0]

    messages = helpers.read_topic(broker.bootstrap, "orders")
    expected_dead = sum(1 for _, _, value in messages if order_rules.classify(value, started)[0] == "late")
    run_until_done(eddy_bin, broker, db, tmp_path / "eddy.log", 3000, "--workload", str(strict))
    late_first = late_left(db)
    assert late_first > expected_dead + 100, (late_first, expected_dead)

    run_until_done(eddy_bin, broker, db, tmp_path / "eddy.log", 3000, *ORDERS, "--reprocess-failed",
                   before_stop=lambda: helpers.wait_until(lambda: late_left(db) == expected_dead, 60, "the reprocessed orders were not taken"))
    totals, valid, _ = order_rules.expected_totals(messages, now=started)
    stored_totals, stored_valid, _, _ = stored_orders(db)
    assert stored_valid == valid and stored_totals == totals, "each reprocessed order counted once"
    assert late_left(db) == expected_dead, "the orders still too late stay in failed_messages"
