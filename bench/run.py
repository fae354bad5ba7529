#!/usr/bin/env python3
"""Eddy's benchmark: raw librdkafka consumption (kcat) vs `eddy run` on the same topic, same invocation.

Produces N events once to a development broker (`eddy broker`), then measures
  (a) kcat reading every message and discarding it: the raw librdkafka baseline;
  (b) `eddy run` processing the topic to its last offset with every guarantee on, with the output
      topic off and on,
and prints events/s for each, the ratio to raw and eddy's peak RSS; the table is also written as JSON.
"""
import argparse
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "e2e"))
from helpers import committed_total as committed  # noqa: E402  (the e2e tests' reading of consumer_offsets)


def start_broker(eddy, partitions):
    broker = subprocess.Popen([eddy, "broker", "--partitions", str(partitions), "--log-level", "warning"],
                              stdout=subprocess.PIPE, text=True)
    return broker, broker.stdout.readline().strip()


def raw_consume(bootstrap, topic, expected):
    """kcat: a C librdkafka consumer that reads to the end of every partition and exits."""
    started = time.monotonic()
    result = subprocess.run(["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q",
                             "-f", "%o\n"], stdout=subprocess.PIPE, check=True)
    seconds = time.monotonic() - started
    count = result.stdout.count(b"\n")
    if count != expected:
        sys.exit(f"kcat read {count} messages, expected {expected}")
    return {"events": count, "seconds": seconds, "events_per_second": count / seconds}


def peak_rss_mb(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def eddy_run(eddy, bootstrap, expected, workdir, name, *extra):
    """`eddy run` from the first committed batch (after the group join) to the last offset."""
    db = workdir / f"{name}.db"
    log = open(workdir / f"{name}.log", "wb")
    process = subprocess.Popen([eddy, "run", "--brokers", bootstrap, "--db", str(db), "--group", f"bench-{name}",
                                "--log-level", "warning", *extra], stdout=log, stderr=log)
    deadline = time.monotonic() + 600
    first = None
    while committed(db) < expected:
        if process.poll() is not None:
            sys.exit(f"eddy run exited with {process.returncode}; see {workdir / (name + '.log')}")
        if time.monotonic() > deadline:
            sys.exit("eddy run did not finish within 10 minutes")
        done = committed(db)
        if first is None and done > 0:
            first = (time.monotonic(), done)
        time.sleep(0.02)
    finished = time.monotonic()
    rss = peak_rss_mb(process.pid)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    start_time, start_count = first if first else (finished, 0)
    steady = (expected - start_count) / max(finished - start_time, 1e-9)
    return {"events": expected, "steady_events_per_second": steady, "peak_rss_mb": rss,
            "seconds_after_first_batch": finished - start_time}


# Each variant processes the whole topic into its own database, with every guarantee on.
VARIANTS = [
    ("outbox-off", "eddy run, output topic off", ["--output-topic", ""]),
    ("outbox-on", "eddy run, output topic on (outbox + relay)", []),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eddy", default=".build/release/eddy", help="the eddy binary (build with -c release)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--partitions", type=int, default=64)
    parser.add_argument("--bad-share", type=float, default=0.05)
    parser.add_argument("--json", default="bench/results/latest.json")
    args = parser.parse_args()

    broker, bootstrap = start_broker(args.eddy, args.partitions)
    try:
        print(f"producing {args.events} events to {bootstrap} ({args.partitions} partitions)...", flush=True)
        subprocess.run([args.eddy, "produce", "--brokers", bootstrap, "--count", str(args.events),
                        "--bad-share", str(args.bad_share), "--log-level", "warning"], check=True,
                       stdout=subprocess.DEVNULL)
        raw = raw_consume(bootstrap, "user-login", args.events)
        runs = {}
        with tempfile.TemporaryDirectory(prefix="eddy-bench-") as workdir:
            for name, label, extra in VARIANTS:
                runs[name] = eddy_run(args.eddy, bootstrap, args.events, pathlib.Path(workdir), name, *extra)
                runs[name]["label"] = label
                runs[name]["ratio_to_raw"] = runs[name]["steady_events_per_second"] / raw["events_per_second"]
    finally:
        broker.terminate()
        broker.wait(timeout=10)

    print()
    print(f"{'system':<44} {'events/s':>12} {'vs raw':>8} {'peak RSS':>10}")
    print(f"{'raw librdkafka consumer (kcat)':<44} {raw['events_per_second']:>12,.0f} {'1.00':>8} {'-':>10}")
    for run in runs.values():
        print(f"{run['label']:<44} {run['steady_events_per_second']:>12,.0f} {run['ratio_to_raw']:>8.2f} "
              f"{run['peak_rss_mb']:>8.0f}MB")
    result = {"date": time.strftime("%Y-%m-%d"), "events": args.events, "partitions": args.partitions,
              "raw": raw, "eddy": runs}
    path = pathlib.Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
