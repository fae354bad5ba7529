#!/usr/bin/env python3
"""A soak run of the real binary: events at a steady rate for a long time with retention on, three `kill -9`
and a 30 s broker outage in the first half. Every 10 s it records Eddy's RSS, the database and WAL sizes, the consumer
lag and the p99 batch commit latency, writes them to a CSV and draws them as a PNG. It fails when RSS or
the database file keeps growing after warm-up, when Eddy does not catch up, or when `eddy audit` finds a
count that differs from its stored events.

    make soak                                     # 30 minutes (SOAK_MINUTES=5 make soak for a short one)
    python3 bench/soak.py --eddy .build/release/eddy --minutes 30 --out .build-soak
"""
import argparse
import csv
import os
import pathlib
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scrape(url):
    """{(name, frozenset(labels)): value} of every sample at `url`/metrics; {} while nothing answers."""
    try:
        with urllib.request.urlopen(url + "/metrics", timeout=5) as response:
            text = response.read().decode()
    except OSError:
        return {}
    return {(s.name, frozenset(s.labels.items())): s.value for family in text_string_to_metric_families(text) for s in family.samples}


def commit_p99(before, after):
    """The p99 of the batch commits between two scrapes, in ms, from the histogram's bucket counts; None
    without a commit between them."""
    def buckets(samples):
        return sorted((float(dict(labels)["le"]), value) for (name, labels), value in samples.items()
                      if name == "eddy_batch_commit_seconds_bucket")
    now, then = buckets(after), dict(buckets(before))
    deltas = [(le, count - then.get(le, 0)) for le, count in now]
    if not deltas or deltas[-1][1] <= 0:
        return None
    total = deltas[-1][1]
    return next(le for le, count in deltas if count >= 0.99 * total) * 1000


def lag(samples):
    return sum(value for (name, _), value in samples.items() if name == "eddy_consumer_lag")


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            return int(status.read().split("VmRSS:")[1].split()[0]) / 1024
    except (OSError, IndexError):
        return None


def size_mb(path):
    try:
        return os.path.getsize(path) / 1e6
    except OSError:
        return 0.0


def committed(db):
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute("SELECT COALESCE(SUM(next_offset), 0) FROM consumer_offsets").fetchone()[0]
    except sqlite3.Error:
        return 0


class Soak:
    def __init__(self, args):
        self.args = args
        self.out = pathlib.Path(args.out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.db = self.out / "soak.db"
        for suffix in ("", "-wal", "-shm"):
            pathlib.Path(f"{self.db}{suffix}").unlink(missing_ok=True)
        self.url = f"http://127.0.0.1:{free_port()}"
        self.processes = []
        self.service = None
        self.events = []  # (seconds since start, what happened)
        self.rows = []

    def start(self, command, **kwargs):
        process = subprocess.Popen(command, start_new_session=True, **kwargs)
        self.processes.append(process)
        return process

    def start_eddy(self):
        # Event timestamps fall in the 10 minutes before now: counts are kept 12 minutes (so that none is late)
        # and the rest shorter; the file reaches its steady size after about 13 minutes.
        log = open(self.out / "eddy.log", "ab")
        self.service = self.start(
            [self.args.eddy, "run", "--brokers", self.bootstrap, "--db", str(self.db), "--group", "soak",
             "--http", self.url.removeprefix("http://"), "--changelog-topic", "off", "--retain-events", "5m", "--retain-counts", "12m",
             "--retain-dead", "5m", "--retain-sent", "2m", "--log-level", "info"],
            stdout=log, stderr=log, env=dict(os.environ, EDDY_KAFKA_SESSION_TIMEOUT_MS="6000"))

    def run(self):
        args = self.args
        broker = self.start([args.eddy, "broker", "--partitions", "8", "--changelog-topic", "off", "--log-level", "warning"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.bootstrap = broker.stdout.readline().strip()
        total = int(args.rate * args.minutes * 60)
        producer = self.start([args.eddy, "produce", "--brokers", self.bootstrap, "--count", str(total), "--rate", str(args.rate),
                               "--live-timestamps", "--log-level", "error"], stdout=subprocess.DEVNULL,
                              stderr=open(self.out / "produce.log", "ab"))
        self.start_eddy()
        started = time.monotonic()
        duration = args.minutes * 60
        # The faults come in the first half; the second half, undisturbed, shows whether anything keeps growing.
        kills = [duration * share for share in (0.1, 0.2, 0.3)]
        outage = duration * 0.4
        previous = {}
        down_since = None
        next_sample = started + 10
        while time.monotonic() - started < duration or producer.poll() is None:
            elapsed = time.monotonic() - started
            if kills and elapsed >= kills[0]:
                kills.pop(0)
                self.service.send_signal(signal.SIGKILL)
                self.service.wait()
                self.events.append((elapsed, "kill -9"))
                self.start_eddy()
            if outage is not None and elapsed >= outage:
                broker.stdin.write("down\n")
                broker.stdin.flush()
                broker.stdout.readline()
                down_since, outage = elapsed, None
                self.events.append((elapsed, "broker down 30 s"))
            if down_since is not None and elapsed >= down_since + 30:
                broker.stdin.write("up\n")
                broker.stdin.flush()
                broker.stdout.readline()
                down_since = None
            if time.monotonic() >= next_sample:
                next_sample += 10
                samples = scrape(self.url)
                row = {"seconds": round(elapsed), "rss_mb": rss_mb(self.service.pid), "db_mb": size_mb(self.db),
                       "wal_mb": size_mb(f"{self.db}-wal"), "lag": lag(samples) if samples else None,
                       "commit_p99_ms": commit_p99(previous, samples) if samples else None, "committed": committed(self.db)}
                previous = samples or previous
                self.rows.append(row)
                print(" ".join(f"{key}={value:.1f}" if isinstance(value, float) else f"{key}={value}" for key, value in row.items()),
                      flush=True)
            if self.service.poll() is not None:
                raise SystemExit(f"eddy exited with {self.service.returncode}; see {self.out / 'eddy.log'}")
            if producer.poll() not in (None, 0):
                raise SystemExit("eddy produce failed")
            time.sleep(0.2)
        if producer.returncode != 0:
            raise SystemExit("eddy produce failed")
        deadline = time.monotonic() + 300
        while committed(self.db) < total:
            if time.monotonic() > deadline:
                raise SystemExit(f"eddy did not catch up: {committed(self.db)} of {total} messages committed")
            time.sleep(1)
        self.events.append((time.monotonic() - started, "caught up"))

    def audit(self):
        result = subprocess.run([self.args.eddy, "audit", "--db", str(self.db), "--retain-events", "5m"], capture_output=True, text=True, timeout=300)
        print(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr.strip())
        return result.returncode == 0, (result.stdout + result.stderr).strip()

    def growth(self, key, slack):
        """Whether `key` grew in the second half (after warm-up and the faults): the median of its last third
        against that of the third before."""
        values = [row[key] for row in self.rows if row["seconds"] >= self.args.minutes * 60 * 0.5 and row[key] is not None]
        third = len(values) // 3
        if third < 3:
            return None
        before, last = statistics.median(values[-2 * third:-third]), statistics.median(values[-third:])
        return before, last, last > before * 1.2 + slack

    def write_results(self):
        with open(self.out / "soak.csv", "w", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=list(self.rows[0]))
            writer.writeheader()
            writer.writerows(self.rows)
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        minutes = [row["seconds"] / 60 for row in self.rows]
        panels = [("RSS (MB)", ["rss_mb"]), ("database and WAL (MB)", ["db_mb", "wal_mb"]), ("consumer lag (messages)", ["lag"]),
                  ("batch commit p99 (ms)", ["commit_p99_ms"])]
        figure, axes = plt.subplots(len(panels), 1, figsize=(10, 11), sharex=True)
        for axis, (title, keys) in zip(axes, panels):
            for key in keys:
                axis.plot(minutes, [row[key] if row[key] is not None else float("nan") for row in self.rows], label=key)
            for at, what in self.events:
                axis.axvline(at / 60, color="grey", linestyle=":", linewidth=1)
            axis.set_ylabel(title)
            if len(keys) > 1:
                axis.legend(loc="upper left")
        for at, what in self.events:
            axes[0].annotate(what, (at / 60, axes[0].get_ylim()[1]), fontsize=7, rotation=90, va="top", ha="right")
        axes[-1].set_xlabel("minutes")
        figure.suptitle(f"eddy soak: {self.args.rate} events/s for {self.args.minutes} min, retention on, kill -9 x3, broker down 30 s")
        figure.tight_layout()
        figure.savefig(self.out / "soak.png", dpi=80)

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=30)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eddy", default=".build/release/eddy")
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", 30)))
    parser.add_argument("--rate", type=int, default=1000, help="events per second")
    parser.add_argument("--out", default=".build-soak")
    args = parser.parse_args()
    soak = Soak(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("soak: terminated"))  # so that `finally` stops the processes
    try:
        soak.run()
        audited, report = soak.audit()
    finally:
        soak.stop()
    if soak.rows:
        soak.write_results()
    failures = [] if audited else [f"eddy audit found differences:\n{report}"]
    for key, slack in (("rss_mb", 8), ("db_mb", 2)):
        verdict = soak.growth(key, slack)
        if verdict is None:
            failures.append(f"too few samples after warm-up to judge {key}")
            continue
        before, last, grew = verdict
        print(f"{key}: median {before:.1f} after warm-up, {last:.1f} in the last third")
        if grew:
            failures.append(f"{key} kept growing after warm-up: {before:.1f} -> {last:.1f}")
    print(f"results: {soak.out / 'soak.csv'}, {soak.out / 'soak.png'}, {soak.out / 'eddy.log'}")
    if failures:
        sys.exit("soak failed: " + "; ".join(failures))
    print("soak passed")


if __name__ == "__main__":
    main()
