#!/usr/bin/env python3
"""Eddy's benchmark: raw librdkafka, `eddy run` and a peer (Quix Streams) on the same topic, one invocation.

Produces N events once to a development broker (librdkafka's mock cluster, bench/mockbroker.py), then
measures on that topic, one system after the other:
  raw         kcat reading every message and discarding it: the raw librdkafka baseline;
  eddy        `eddy run` to the last offset with the output topic off, on (outbox + relay), and
              counts-only (`--store-events false`), each with the changelog off, then output-off and
              counts-only again with the changelog on (its cost);
  restore     `eddy mirror` rebuilding, from the changelog the changelog-on run wrote, every row of
              that run's state: how fast a new owner restores partitions;
  cost        the changelog's cost: `--cost-pairs` pairs per mode (output off, counts only) of a
              changelog-off and a changelog-on run back to back; each pair's ratio and their median;
  declared    the user-login workload declared in workloads/user-login.yaml against the built-in Swift
              one: `--workload-pairs` pairs per mode (output off, output on) back to back, as for cost;
  orders      workloads/orders.yaml on its own topic of `eddy produce --stream orders`, with its own raw
              kcat baseline;
  quix        Quix Streams computing the same per-minute counts, exactly-once and at-least-once
              (bench/quix_peer.py, in the virtual environment of bench/requirements.txt).
For each: steady events/s (from the first message or committed batch, so after the group join), the
ratio to raw, wall time, peak RSS, p50/p99 commit latency and the time to the first committed batch.
Prints a table and writes it as JSON.
"""
import argparse
import json
import os
import pathlib
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "e2e"))
from helpers import committed_total as committed, free_port, outbox_pending  # noqa: E402  (the e2e tests' helpers)

TOPIC = "user-login"
ORDERS_TOPIC = "orders"
OUTPUT_TOPIC = "processed-output"
WORKLOADS = HERE.parent / "workloads"
DECLARED = ["--workload", str(WORKLOADS / "user-login.yaml")]
QUIX_GROUPS = {"exactly-once": "bench-quix-eos", "at-least-once": "bench-quix-alo"}
POLL_SECONDS = 0.02


def peak_rss_mb(pid):
    """VmHWM of a live process, in MB."""
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_broker(topics):
    """bench/mockbroker.py with `topics` ({name: partitions}); returns the process and its bootstrap address."""
    specs = [arg for name, count in topics.items() for arg in ("--topic", f"{name}:{count}")]
    broker = subprocess.Popen([sys.executable, str(HERE / "mockbroker.py"), *specs], stdout=subprocess.PIPE, text=True)
    return broker, broker.stdout.readline().strip()


def produce(eddy, bootstrap, events, bad_share, linger_ms, stream="user-login", topic=TOPIC):
    """`eddy produce`: the synthetic user-login events (or orders), `bad_share` of them bad, in producer
    batches filled for up to `linger_ms`. The mock broker answers a fetch with one producer batch per
    partition where a real broker sends up to max.partition.fetch.bytes of them, so the batch size decides
    how many partitions one of Eddy's batches spans (bench/README.md)."""
    subprocess.run([eddy, "produce", "--brokers", bootstrap, "--topic", topic, "--stream", stream, "--count", str(events),
                    "--bad-share", str(bad_share), "--log-level", "warning"], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "EDDY_KAFKA_LINGER_MS": str(linger_ms)})


def raw_consume(bootstrap, expected, topic=TOPIC):
    """kcat, a C librdkafka consumer reading to the end of every partition; steady from its first output."""
    started = time.monotonic()
    kcat = subprocess.Popen(["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%o\n"],
                            stdout=subprocess.PIPE)
    first, first_count, count = None, 0, 0
    while chunk := kcat.stdout.read1(1 << 16):
        count += chunk.count(b"\n")
        if first is None:
            first, first_count = time.monotonic(), count
    finished = time.monotonic()
    if kcat.wait() != 0 or count != expected:
        sys.exit(f"kcat exited with {kcat.returncode} after {count} messages, expected {expected}")
    return {"events": count, "events_per_second": (count - first_count) / (finished - first),
            "wall_seconds": finished - started, "first_message_after_start_s": first - started}


def scrape(port):
    """The /metrics text of an eddy on `port`, or "" while it does not answer."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=1) as response:
            return response.read().decode()
    except OSError:
        return ""


def gauge(metrics, name):
    """The value of an unlabelled sample `name`, or None."""
    for line in metrics.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def histogram(metrics, name):
    """The cumulative buckets [(upper bound, count)] of histogram `name`, sorted by bound."""
    buckets = []
    for line in metrics.splitlines():
        if line.startswith(name + "_bucket{"):
            bound = line.split('le="', 1)[1].split('"', 1)[0]
            buckets.append((float("inf") if bound == "+Inf" else float(bound), float(line.rsplit(" ", 1)[1])))
    return sorted(buckets)


def quantile(buckets, q):
    """Prometheus' histogram_quantile: linear within the bucket holding rank q·total. Returns
    (estimate, (lower bound, upper bound)) in seconds, or (None, None) for an empty histogram."""
    total = buckets[-1][1] if buckets else 0
    if total == 0:
        return None, None
    rank = q * total
    lower, below = 0.0, 0.0
    for upper, cumulative in buckets:
        if cumulative >= rank:
            if upper == float("inf"):
                return lower, (lower, upper)
            return lower + (upper - lower) * (rank - below) / max(cumulative - below, 1e-12), (lower, upper)
        lower, below = upper, cumulative
    return None, None


def commit_latency(metrics):
    """p50/p99 of eddy_batch_commit_seconds (the SQLite transaction of one batch) and the buckets they fall in."""
    buckets = histogram(metrics, "eddy_batch_commit_seconds")
    p50, p50_bucket = quantile(buckets, 0.50)
    p99, p99_bucket = quantile(buckets, 0.99)
    return {"commit_p50_s": p50, "commit_p99_s": p99, "commit_p50_bucket_s": p50_bucket,
            "commit_p99_bucket_s": p99_bucket, "commits": buckets[-1][1] if buckets else 0}


def logins_counted(db):
    """SUM(logins) of login_counts: the valid events eddy counted; for the orders workload, SUM(orders) of
    order_totals."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
        orders = connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'order_totals'").fetchone()
        table, column = ("order_totals", "orders") if orders else ("login_counts", "logins")
        return connection.execute(f"SELECT COALESCE(SUM({column}), 0) FROM {table}").fetchone()[0]


def knows_option(eddy, option, command="run"):
    """Whether `eddy <command> --help` lists `option` (an earlier binary, measured as a baseline, may not)."""
    return option in subprocess.run([eddy, command, "--help"], capture_output=True, text=True).stdout


def wait_for_first_commit(process, db, port, deadline, log):
    """Polls /metrics until partitions are assigned and the database until the first batch commits.
    Returns (assigned at, first commit at, committed count then); times from time.monotonic()."""
    assigned_at = None
    while (done := committed(db)) == 0:
        check_alive(process, deadline, log)
        if assigned_at is None and (gauge(scrape(port), "eddy_assigned_partitions") or 0) > 0:
            assigned_at = time.monotonic()
        time.sleep(POLL_SECONDS)
    return assigned_at, time.monotonic(), done


def check_alive(process, deadline, log):
    """Ends the benchmark when eddy exited or the deadline passed."""
    if process.poll() is not None:
        sys.exit(f"eddy run exited with {process.returncode}; see {log}")
    if time.monotonic() > deadline:
        sys.exit(f"eddy run did not finish within the time limit; see {log}")


def wait_until(condition, process, deadline, log):
    """Polls `condition` while eddy runs; returns the time.monotonic() at which it held."""
    while not condition():
        check_alive(process, deadline, log)
        time.sleep(POLL_SECONDS)
    return time.monotonic()


def eddy_run(eddy, bootstrap, expected, workdir, logdir, name, extra):
    """`eddy run` from its start to the last offset committed in SQLite and, when it publishes, the outbox
    drained: steady rate from the first committed batch, commit latency scraped from /metrics just
    before SIGTERM."""
    publishes = OUTPUT_TOPIC in extra
    db, log, port = workdir / f"{name}.db", logdir / f"{name}.log", free_port()
    started = time.monotonic()
    with open(log, "wb") as output:
        process = subprocess.Popen([eddy, "run", "--brokers", bootstrap, "--topic", TOPIC, "--db", str(db),
                                    "--group", f"bench-{name}", "--http", f"127.0.0.1:{port}",
                                    "--log-level", "warning", *extra], stdout=output, stderr=output)
    try:
        deadline = started + 900
        assigned_at, first_at, first_count = wait_for_first_commit(process, db, port, deadline, log)
        committed_at = wait_until(lambda: committed(db) >= expected, process, deadline, log)
        finished = wait_until(lambda: outbox_pending(db) == 0, process, deadline, log) if publishes else committed_at
        metrics = scrape(port)
        rss = peak_rss_mb(process.pid)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return {"events": expected, "events_per_second": (expected - first_count) / max(finished - first_at, 1e-9),
            "events_per_second_to_last_offset": (expected - first_count) / max(committed_at - first_at, 1e-9),
            "wall_seconds": finished - started, "stop_seconds": time.monotonic() - finished, "peak_rss_mb": rss,
            "first_commit_after_start_s": first_at - started,
            "first_commit_after_assignment_s": first_at - assigned_at if assigned_at else None,
            "valid_counted": logins_counted(db), **commit_latency(metrics)}


def eddy_variants():
    """(name, label, extra arguments, changelog on) of each eddy run."""
    off, counts_only = ["--output-topic", ""], ["--output-topic", "", "--store-events", "false"]
    return [
        ("eddy-outbox-off", "eddy run, output topic off", off, False),
        ("eddy-outbox-on", "eddy run, output topic on (outbox + relay)", ["--output-topic", OUTPUT_TOPIC], False),
        ("eddy-counts-only", "eddy run, counts only (no login_events)", counts_only, False),
        ("eddy-changelog", "eddy run, output off, changelog on", off, True),
        ("eddy-counts-only-changelog", "eddy run, counts only, changelog on", counts_only, True),
        ("eddy-declared-outbox-off", "declared user-login.yaml, output topic off", DECLARED + off, False),
        ("eddy-declared-outbox-on", "declared user-login.yaml, output topic on", DECLARED + ["--output-topic", OUTPUT_TOPIC], False),
    ]


def variant_arguments(binary, extra, changelog):
    """The arguments of a variant for `binary`, or None when the binary cannot run it (an earlier build
    measured as a baseline may lack the changelog or --store-events)."""
    if "--store-events" in extra and not knows_option(binary, "--store-events"):
        return None
    if "--workload" in extra and not knows_option(binary, "--workload"):
        return None
    if not knows_option(binary, "--changelog-topic"):
        return None if changelog else extra
    return extra if changelog else extra + ["--changelog-topic", "off"]


def cost_pairs(pairs):
    """(name of the pair's changelog-off run, its arguments, name of its changelog-on run, its arguments, mode)
    of every pair measuring the changelog's cost."""
    return [(f"eddy-cost{i}-{mode}-off", extra + ["--changelog-topic", "off"], f"eddy-cost{i}-{mode}-on", extra, mode)
            for i in range(1, pairs + 1)
            for mode, extra in (("output-off", ["--output-topic", ""]),
                                ("counts-only", ["--output-topic", "", "--store-events", "false"]))]


def workload_pairs(pairs):
    """(name of the built-in workload's run, its arguments, name of the declared one's, its arguments, mode)
    of every pair comparing the user-login workload in Swift with workloads/user-login.yaml, changelog off."""
    return [(f"eddy-builtin{i}-{mode}", extra, f"eddy-declared{i}-{mode}", DECLARED + extra, mode)
            for i in range(1, pairs + 1)
            for mode, extra in (("output-off", ["--output-topic", "", "--changelog-topic", "off"]),
                                ("output-on", ["--output-topic", OUTPUT_TOPIC, "--changelog-topic", "off"]))]


def changelog_topics(partitions, pairs, baseline):
    """The changelog topic of every changelog-on run's group (a baseline's runs too), {name: partitions}."""
    names = [name for name, _, _, on in eddy_variants() if on]
    names += [f"baseline-{name}" for name in names if baseline] + [on for _, _, on, _, _ in cost_pairs(pairs)]
    return {f"bench-{name}-changelog": partitions for name in names}


def measure_pairs(eddy, bootstrap, events, logdir, what, pairs):
    """Each pair's two runs (a base and a variant) back to back, the order alternating from pair to pair:
    runs minutes apart on this machine differ by ±15 %, more than the differences measured, so one run of
    each says little. Returns each pair's rates and its ratio (variant / base)."""
    results = []
    with tempfile.TemporaryDirectory(prefix="eddy-bench-pairs-") as workdir:
        for index, (base_name, base_arguments, variant_name, variant_arguments, mode) in enumerate(pairs):
            runs = [(base_name, base_arguments), (variant_name, variant_arguments)]
            rates = {}
            for name, arguments in (runs if (index // 2) % 2 == 0 else reversed(runs)):
                print(f"{what}, {mode}: {name}...", flush=True)
                rates[name] = eddy_run(eddy, bootstrap, events, pathlib.Path(workdir), logdir, name, arguments)
            if rates[base_name]["valid_counted"] != rates[variant_name]["valid_counted"]:
                sys.exit(f"the {what} pair counted different numbers of valid events: {rates}")
            results.append({"system": variant_name, "mode": mode, "valid_counted": rates[variant_name]["valid_counted"],
                            "base_events_per_second": rates[base_name]["events_per_second"],
                            "variant_events_per_second": rates[variant_name]["events_per_second"],
                            "variant_peak_rss_mb": rates[variant_name]["peak_rss_mb"],
                            "ratio": rates[variant_name]["events_per_second"] / rates[base_name]["events_per_second"]})
    return results


def print_pairs(what, pairs):
    """One line per mode: each pair's ratio (variant / base) and their median."""
    for mode in dict.fromkeys(pair["mode"] for pair in pairs):
        ratios = sorted(pair["ratio"] for pair in pairs if pair["mode"] == mode)
        rss = max(pair["variant_peak_rss_mb"] for pair in pairs if pair["mode"] == mode)
        listed = ", ".join(f"{pair['ratio']:.2f}" for pair in pairs if pair["mode"] == mode)
        print(f"{what}, {mode}, {len(ratios)} pairs back to back: {listed}; "
              f"median {statistics.median(ratios):.2f}; peak RSS {rss:.0f}MB")


def mirror_restore(eddy, bootstrap, group, valid_events, workdir, logdir):
    """`eddy mirror` of `group`'s changelog into a new file, until it holds every valid event counted:
    rows restored per second, the rate at which a new owner rebuilds partitions."""
    db, log = workdir / "mirror.db", logdir / "eddy-restore.log"
    started = time.monotonic()
    with open(log, "wb") as output:
        ops = ["--http", f"127.0.0.1:{free_port()}"] if knows_option(eddy, "--http", "mirror") else []
        process = subprocess.Popen([eddy, "mirror", "--brokers", bootstrap, "--group", group, "--db", str(db),
                                    "--log-level", "warning", *ops], stdout=output, stderr=output)
    try:
        def counted():
            try:
                return logins_counted(db) >= valid_events
            except sqlite3.OperationalError:
                return False
        finished = wait_until(counted, process, started + 900, log)
        rss = peak_rss_mb(process.pid)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = sum(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                   for table in ("login_events", "login_counts", "login_event_minutes", "failed_messages"))
        events = connection.execute("SELECT COALESCE(SUM(next_offset), 0) FROM consumer_offsets").fetchone()[0]
    seconds = finished - started
    return {"system": "eddy-restore", "label": "restore: eddy mirror of that changelog", "events": events,
            "events_per_second": events / seconds, "rows": rows, "rows_per_second": rows / seconds,
            "wall_seconds": seconds, "peak_rss_mb": rss}


def sqlite_alone(binary, eddy, messages, source, workdir, counts_only=False):
    """SQLite alone, in C (`bench/sqlite_alone.c`): the valid events `source` (the output-off run's
    database) stored, replayed into a new database that `eddy migrate` made, with the statements of
    Eddy's batch transaction and nothing else: the commit thread's ceiling on this machine. Its rate is
    in `messages` (the topic's, bad ones included, whose failed rows it leaves out) per second, as the
    eddy rows count. With `counts_only`, the counts and the offsets alone, as `--store-events false`."""
    target = workdir / f"sqlite-alone{'-counts' if counts_only else ''}.db"
    subprocess.run([eddy, "migrate", "--db", str(target)], check=True, stdout=subprocess.DEVNULL)
    started = time.monotonic()
    report = json.loads(subprocess.run([binary, str(source), str(target), "5000", *(["counts"] if counts_only else [])],
                                       check=True, capture_output=True, text=True).stdout)
    system, label = (("sqlite-alone-counts", "SQLite alone (C), counts only") if counts_only
                     else ("sqlite-alone", "SQLite alone (C), output off's valid rows"))
    return {"system": system, "label": label, "valid_rows": report["events"],
            **{key: value for key, value in report.items() if key not in ("events", "events_per_second")},
            "events": messages, "events_per_second": messages / report["seconds"], "wall_seconds": time.monotonic() - started}


def agreed_valid_count(eddy_rows):
    """The valid events every eddy run (and the restore) counted in login_counts; they must agree."""
    counts = {row["system"]: row["valid_counted"] for row in eddy_rows if "valid_counted" in row}
    if len(set(counts.values())) != 1:
        sys.exit(f"the eddy runs counted different numbers of valid events: {counts}")
    return next(iter(counts.values()))


def quix_topics(python, partitions):
    """The repartition and changelog topics of the Quix pipelines, {name: partitions}."""
    topics = {}
    for group in QUIX_GROUPS.values():
        listing = subprocess.run([python, "-W", "ignore", str(HERE / "quix_peer.py"), "topics", "--group", group,
                                  "--partitions", str(partitions)], capture_output=True, text=True, check=True)
        for line in listing.stdout.split():
            name, count = line.rsplit(":", 1)
            topics[name] = int(count)
    return topics


def quix_run(python, bootstrap, events, valid_events, guarantee, time_box, logdir):
    """One Quix Streams run: its own JSON report, with wall time from the process start to its stop
    (all counted or the time box) and the time from start to its first event."""
    log = logdir / f"quix-{guarantee}.log"
    command = [python, "-W", "ignore", str(HERE / "quix_peer.py"), "run", "--brokers", bootstrap,
               "--group", QUIX_GROUPS[guarantee], "--guarantee", guarantee, "--events", str(events),
               "--valid-events", str(valid_events), "--time-box", str(time_box)]
    started = time.monotonic()
    with open(log, "wb") as errors:
        try:
            result = subprocess.run(command, stdout=subprocess.PIPE, stderr=errors, text=True, timeout=time_box + 300)
        except subprocess.TimeoutExpired:
            result = None
    if result is None or result.returncode != 0 or not result.stdout.strip():
        print(f"notice: Quix Streams {guarantee} failed or hung; see {log}", flush=True)
        return None
    report = json.loads(result.stdout.strip().splitlines()[-1])
    report["wall_seconds"] = report.pop("stopped_at") - started
    report["first_event_after_start_s"] = report.pop("first_event_at") - started
    return report


def print_table(rows):
    """The table: one row per system."""
    def seconds(value):
        return f"{value * 1000:.1f}ms" if value is not None else "-"
    header = (f"{'system':<46} {'events/s':>10} {'vs raw':>7} {'wall':>8} {'peak RSS':>9} {'p50 commit':>11} "
              f"{'p99 commit':>11} {'1st commit':>11}")
    print()
    print(header)
    print("-" * len(header))
    for row in rows:
        rss = f"{row['peak_rss_mb']:.0f}MB" if row.get("peak_rss_mb") else "-"
        first = row.get("first_commit_after_start_s")
        print(f"{row['label']:<46} {row['events_per_second']:>10,.0f} {row['ratio_to_raw']:>7.3f} "
              f"{row['wall_seconds']:>7.1f}s {rss:>9} {seconds(row.get('commit_p50_s')):>11} "
              f"{seconds(row.get('commit_p99_s')):>11} {f'{first:.2f}s' if first is not None else '-':>11}")


def measure_eddy(eddy, bootstrap, events, logdir, baseline=None, alone=None):
    """Every eddy variant, each into its own database in a temporary directory. With a `baseline` binary
    (an earlier build), each variant runs on it first, then on `eddy`, so both see the same machine. With
    `alone` (the sqlite_alone binary), SQLite alone replays the output-off run's rows."""
    rows = []
    binaries = [("baseline-", "baseline: ", baseline)] if baseline else []
    binaries.append(("", "", eddy))
    with tempfile.TemporaryDirectory(prefix="eddy-bench-") as workdir:
        for name, label, extra, changelog in eddy_variants():
            for prefix, title, binary in binaries:
                arguments = variant_arguments(binary, extra, changelog)
                if arguments is None:
                    print(f"notice: {binary} cannot run {label}; skipping it", flush=True)
                    continue
                print(f"{title}{label}...", flush=True)
                rows.append({"system": prefix + name, "label": title + label,
                             **eddy_run(binary, bootstrap, events, pathlib.Path(workdir), logdir, prefix + name, arguments)})
        if alone:
            print("SQLite alone (C), on the output-off run's rows...", flush=True)
            for counts_only in (False, True):
                rows.append(sqlite_alone(alone, eddy, events, pathlib.Path(workdir) / "eddy-outbox-off.db", pathlib.Path(workdir),
                                         counts_only))
        if knows_option(eddy, "--changelog-topic"):
            print("restore: eddy mirror of the changelog of the changelog-on run...", flush=True)
            valid = next(row["valid_counted"] for row in rows if row["system"] == "eddy-changelog")
            rows.append(mirror_restore(eddy, bootstrap, "bench-eddy-changelog", valid, pathlib.Path(workdir), logdir))
    return rows


def measure_orders(eddy, bootstrap, orders, logdir):
    """workloads/orders.yaml on the orders topic: kcat's rate on it, then `eddy run --workload`'s."""
    print("raw: kcat on the orders topic...", flush=True)
    raw = {"system": "raw-orders", "label": "raw librdkafka consumer (kcat), orders", "baseline": "raw-orders",
           **raw_consume(bootstrap, orders, ORDERS_TOPIC)}
    print("eddy run --workload workloads/orders.yaml...", flush=True)
    with tempfile.TemporaryDirectory(prefix="eddy-bench-orders-") as workdir:
        run = eddy_run(eddy, bootstrap, orders, pathlib.Path(workdir), logdir, "eddy-orders",
                       ["--workload", str(WORKLOADS / "orders.yaml"), "--changelog-topic", "off"])
    run["orders_counted"] = run.pop("valid_counted")
    return raw, {"system": "eddy-orders", "label": "eddy run, workloads/orders.yaml", **run, "baseline": "raw-orders"}


def measure_quix(python, bootstrap, events, valid_events, time_box, logdir):
    """Quix Streams in each processing guarantee; a failed run is reported and left out."""
    rows = []
    for guarantee in QUIX_GROUPS:
        print(f"Quix Streams, {guarantee}...", flush=True)
        report = quix_run(python, bootstrap, events, valid_events, guarantee, time_box, logdir)
        if report:
            rows.append({"system": f"quix-{guarantee}", "label": f"Quix Streams, {guarantee}", **report})
    return rows


def print_peer_ratios(eddy_rows, quix_rows):
    """eddy's steady rate divided by the peer's: one line per peer row."""
    for quix in quix_rows:
        scope = "whole topic" if quix["complete"] else f"time-boxed at {quix['steady_seconds']:.0f}s"
        rate = quix["events_per_second"]
        ratios = ", ".join(f"{eddy['system']} " + (f"{eddy['events_per_second'] / rate:.1f}x" if rate else "-")
                           for eddy in eddy_rows if not eddy["system"].startswith("sqlite-alone"))
        print(f"eddy / {quix['label']} ({scope}): {ratios}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eddy", default=".build/release/eddy", help="the eddy binary (build with -c release)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--partitions", type=int, default=64, help="enough that no mock partition passes ~5 MB")
    parser.add_argument("--bad-share", type=float, default=0.05)
    parser.add_argument("--produce-linger-ms", type=int, default=1000,
                        help="the producer's linger.ms: 1000 fills batches of up to 1 MB, so that the mock's fetches carry "
                             "a megabyte per partition as a real broker's do when a consumer is behind; 20 gives "
                             "batches of ~90 events, and every batch of Eddy's then spans most partitions")
    parser.add_argument("--peer-python", default=".build-bench/venv/bin/python",
                        help="a Python with bench/requirements.txt installed; missing: the peer is skipped")
    parser.add_argument("--peer-time-box", type=float, default=600.0,
                        help="the most seconds of Quix Streams after its first event; it stops when all is counted")
    parser.add_argument("--json", default="bench/results/latest.json", help="the logs go to logs/ beside it")
    parser.add_argument("--baseline-eddy", help="an earlier eddy binary, measured beside --eddy in the same run")
    parser.add_argument("--sqlite-alone", default=".build-bench/sqlite_alone",
                        help="bench/sqlite_alone.c built (make bench builds it): the commit thread's ceiling; "
                             "missing: skipped")
    parser.add_argument("--cost-pairs", type=int, default=3,
                        help="pairs of runs, changelog off and on back to back, per mode (output off, counts only) "
                             "whose median ratio is the changelog's cost; 0 skips them")
    parser.add_argument("--workload-pairs", type=int, default=3,
                        help="pairs of runs, the built-in user-login workload and workloads/user-login.yaml back to back, "
                             "per mode (output off, output on), whose median ratio compares them; 0 skips them")
    parser.add_argument("--orders", type=int, help="orders to produce for workloads/orders.yaml (default: --events); 0 skips them")
    args = parser.parse_args()

    alone = args.sqlite_alone if os.path.exists(args.sqlite_alone) else None
    if not alone:
        print(f"notice: {args.sqlite_alone} not found; skipping SQLite alone (make bench builds it)", flush=True)
    peer = os.path.exists(args.peer_python)
    if not peer:
        print(f"notice: {args.peer_python} not found; skipping Quix Streams (make bench installs it)", flush=True)
    load_before = os.getloadavg()
    orders = args.events if args.orders is None else args.orders
    topics = {TOPIC: args.partitions, OUTPUT_TOPIC: args.partitions, ORDERS_TOPIC: args.partitions,
              **changelog_topics(args.partitions, args.cost_pairs, args.baseline_eddy),
              **(quix_topics(args.peer_python, args.partitions) if peer else {})}
    logdir = pathlib.Path(args.json).parent / "logs"
    logdir.mkdir(parents=True, exist_ok=True)
    broker, bootstrap = start_broker(topics)
    try:
        print(f"producing {args.events} events to {bootstrap} ({args.partitions} partitions)...", flush=True)
        produce(args.eddy, bootstrap, args.events, args.bad_share, args.produce_linger_ms)
        print("raw: kcat...", flush=True)
        raw = {"system": "raw", "label": "raw librdkafka consumer (kcat)", **raw_consume(bootstrap, args.events)}
        eddy_rows = measure_eddy(args.eddy, bootstrap, args.events, logdir, args.baseline_eddy, alone)
        cost = measure_pairs(args.eddy, bootstrap, args.events, logdir, "changelog on / off", cost_pairs(args.cost_pairs))
        declared = (measure_pairs(args.eddy, bootstrap, args.events, logdir, "declared / built-in", workload_pairs(args.workload_pairs))
                    if knows_option(args.eddy, "--workload") else [])
        valid_events = agreed_valid_count(eddy_rows + cost + declared)
        if orders:
            print(f"producing {orders} orders...", flush=True)
            produce(args.eddy, bootstrap, orders, args.bad_share, args.produce_linger_ms, "orders", ORDERS_TOPIC)
            eddy_rows += measure_orders(args.eddy, bootstrap, orders, logdir)
        quix_rows = (measure_quix(args.peer_python, bootstrap, args.events, valid_events, args.peer_time_box, logdir)
                     if peer else [])
    finally:
        broker.terminate()
        broker.wait(timeout=10)

    rows = [raw, *eddy_rows, *quix_rows]
    raws = {row["system"]: row for row in rows if row["system"].startswith("raw")}
    for row in rows:
        row["ratio_to_raw"] = row["events_per_second"] / raws[row.get("baseline", "raw")]["events_per_second"]
    print_table(rows)
    print_peer_ratios([row for row in eddy_rows if "orders" not in row["system"]], quix_rows)
    print_pairs("changelog on / off", cost)
    print_pairs("declared / built-in", declared)
    result = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "events": args.events, "partitions": args.partitions,
              "produce_linger_ms": args.produce_linger_ms,
              "bad_share": args.bad_share, "cores": os.cpu_count(), "load_average_before": load_before,
              "load_average_after": os.getloadavg(), "peer_time_box_s": args.peer_time_box, "systems": rows,
              "changelog_cost_pairs": cost, "declared_pairs": declared}
    pathlib.Path(args.json).write_text(json.dumps(result, indent=2))
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
