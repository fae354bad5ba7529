#!/usr/bin/env python3
"""The peer for eddy's benchmark: Quix Streams computing eddy's login_counts on the same mock broker.

The pipeline is what a Quix user would write for eddy's per-minute counts: validate each event with the
rules of tests/e2e/rules.py (an independent reading of eddy's), drop the invalid ones, take the event's
own minute as the record timestamp, re-key by (device_type, locale, app_version) with `group_by` (a
repartition topic), and count per key in a 60 s tumbling window (a RocksDB store with a changelog
topic). A grace of 15 minutes keeps every event, as the generator spreads timestamps over 10 minutes.

Two patches make it run on librdkafka's mock cluster, which answers neither CreateTopics nor
DescribeConfigs: topic inspection reads plain metadata (partition and replica counts, retention
unlimited), and topic creation only checks that the topic already exists (`topics` prints the ones to
create on the mock first).

    quix_peer.py topics --group G --partitions 64          # the internal topics, one NAME:PARTITIONS a line
    quix_peer.py run --brokers B --group G --guarantee exactly-once \\
        --events 1000000 --valid-events 950000

`run` stops when the windows have counted `--valid-events` (the whole topic; run.py takes the number from
eddy's login_counts) or `--time-box` seconds after the first event, whichever comes first, and prints
one JSON object: the steady events/s and the seconds it was measured over (see Meter), the events
consumed, the valid events counted, the peak RSS, and the time.monotonic() (CLOCK_MONOTONIC, the same
in every process) of the first event consumed and of the stop.
"""
import argparse
import json
import pathlib
import sys
import tempfile
import time

from quixstreams import Application
from quixstreams.models.topics import admin as quix_admin
from quixstreams.models.topics.topic import TopicConfig

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "e2e"))
import rules  # noqa: E402  (the user-login rules, read independently of eddy's code)

WINDOW_MS = 60_000
GRACE_MS = 15 * 60_000
UNLIMITED = {"retention.ms": "-1", "retention.bytes": "-1"}


def inspect_from_metadata(self, topic_names, timeout=30):
    """TopicAdmin.inspect_topics without DescribeConfigs: partition and replica counts from metadata."""
    cluster = self.list_topics(timeout=timeout)
    return {
        name: TopicConfig(num_partitions=len(cluster[name].partitions),
                          replication_factor=len(cluster[name].partitions[0].replicas),
                          extra_config=dict(UNLIMITED))
        if name in cluster else None
        for name in topic_names
    }


def require_existing(self, topics, timeout=30, finalize_timeout=60):
    """TopicAdmin.create_topics without CreateTopics: every topic must already be on the mock."""
    cluster = self.list_topics(timeout=timeout)
    missing = [topic.name for topic in topics if topic.name not in cluster]
    if missing:
        raise SystemExit(f"create these topics on the mock first (quix_peer.py topics): {missing}")


def patch_for_mock():
    """Replaces Quix's topic inspection and creation with the two functions above."""
    quix_admin.TopicAdmin.inspect_topics = inspect_from_metadata
    quix_admin.TopicAdmin.create_topics = require_existing


def patch_for_listing(partitions, wanted):
    """Makes every topic seem to exist with `partitions` partitions, noting each name Quix asks about."""
    def inspect(self, topic_names, timeout=30):
        wanted.update(topic_names)
        return {name: TopicConfig(num_partitions=partitions, replication_factor=1, extra_config=dict(UNLIMITED))
                for name in topic_names}
    quix_admin.TopicAdmin.inspect_topics = inspect


def minute_key(classified):
    """The login_counts key without the minute: device_type, locale and app_version."""
    _, (_, device_type, locale, app_version) = classified
    return f"{device_type}|{locale}|{app_version}"


def build(app, meter):
    """The dataframe: meter, validate, keep valid, event minute as timestamp, re-key, windowed count, meter."""
    sdf = app.dataframe(app.topic("user-login", value_deserializer="bytes", key_deserializer="bytes"))
    sdf = sdf.update(meter.consumed)
    sdf = sdf.apply(rules.classify)
    sdf = sdf.filter(lambda classified: classified[0] == "valid")
    sdf = sdf.set_timestamp(lambda classified, *_: classified[1][0] * 1000)
    sdf = sdf.group_by(minute_key, name="login_key")
    sdf = sdf.apply(lambda classified: classified[1][0])
    sdf = sdf.tumbling_window(WINDOW_MS, grace_ms=GRACE_MS).count().current()
    return sdf.update(meter.counted, metadata=True)


def make_app(brokers, group, guarantee, state_dir):
    """A Quix application reading from the beginning, its RocksDB state in `state_dir`."""
    return Application(broker_address=brokers, consumer_group=group, processing_guarantee=guarantee,
                       auto_offset_reset="earliest", state_dir=state_dir, loglevel="WARNING")


def list_topics(args):
    """Prints the repartition and changelog topics that the pipeline of `--group` needs."""
    wanted = set()
    patch_for_listing(args.partitions, wanted)
    with tempfile.TemporaryDirectory() as state_dir:
        app = make_app("127.0.0.1:9", args.group, "at-least-once", state_dir)
        build(app, Meter(app, 0, 0, 0))
    for name in sorted(wanted - {"user-login"}):
        print(f"{name}:{args.partitions}")


class Meter:
    """Counts the events consumed and the valid events the windows counted. Stops the application when
    all `valid_events` are counted or `time_box` seconds after the first event consumed.

    The rate is the valid events counted by the windows, the last stage, scaled by `events / valid_events`
    (bad events are spread evenly over the topic): events whose effect reached the state, per second
    from the first event consumed (after the group join). It is not taken at the input: that stage only
    re-keys to the repartition topic and runs far ahead of the aggregation, and in the same thread."""

    def __init__(self, app, events, valid_events, time_box):
        self.app, self.total, self.valid_events, self.time_box = app, events, valid_events, time_box
        self.first_event = self.stopped = None
        self.consumed_events = 0
        self.windows = {}
        self.valid = self.valid_at_stop = 0

    def consumed(self, _value):
        if self.first_event is None:
            self.first_event = time.monotonic()
        self.consumed_events += 1

    def counted(self, window, key, *_):
        """Keeps the sum of the latest count of every (key, window): the valid events aggregated."""
        previous = self.windows.get((key, window["start"]), 0)
        self.windows[(key, window["start"])] = window["value"]
        self.valid += window["value"] - previous
        now = time.monotonic()
        if self.valid >= self.valid_events or now - self.first_event >= self.time_box:
            self.stop(now)

    def stop(self, now):
        if self.stopped is None:
            self.stopped, self.valid_at_stop = now, self.valid
            self.app.stop()

    def result(self):
        seconds = (self.stopped - self.first_event) if self.stopped else 0.0
        steady = self.valid_at_stop * self.total / self.valid_events if self.stopped else 0.0
        return {"events": round(self.valid * self.total / self.valid_events) if self.valid_events else 0,
                "events_consumed": self.consumed_events, "valid_counted": self.valid,
                "steady_seconds": seconds, "events_per_second": steady / seconds if seconds > 0 else 0.0,
                "complete": self.valid >= self.valid_events, "first_event_at": self.first_event,
                "stopped_at": self.stopped}


def peak_rss_mb():
    """VmHWM of this process, in MB."""
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(args):
    """Runs the pipeline until `--valid-events` are counted or the time box, then prints the measurement."""
    patch_for_mock()
    with tempfile.TemporaryDirectory(prefix="quix-state-") as state_dir:
        app = make_app(args.brokers, args.group, args.guarantee, state_dir)
        meter = Meter(app, args.events, args.valid_events, args.time_box)
        app.run(build(app, meter))
        print(json.dumps({**meter.result(), "guarantee": args.guarantee, "peak_rss_mb": peak_rss_mb()}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(required=True)
    topics = commands.add_parser("topics", help="print the internal topics to create on the mock")
    topics.add_argument("--group", required=True)
    topics.add_argument("--partitions", type=int, required=True)
    topics.set_defaults(func=list_topics)
    measure = commands.add_parser("run", help="consume and aggregate, then print the measurement as JSON")
    measure.add_argument("--brokers", required=True)
    measure.add_argument("--group", required=True)
    measure.add_argument("--guarantee", choices=["at-least-once", "exactly-once"], required=True)
    measure.add_argument("--events", type=int, required=True, help="the events in the topic")
    measure.add_argument("--valid-events", type=int, required=True,
                         help="stop when the windows have counted this many valid events")
    measure.add_argument("--time-box", type=float, default=600.0, help="or this many seconds after the first")
    measure.set_defaults(func=run)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
