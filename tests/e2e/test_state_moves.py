"""Several instances in one group while partitions move between them: scale out, a pod lost with its
volume, scale in, a fresh pod, a pod back on its old volume, a stall past the session timeout. Over the
databases of the instances still running, the state is exact: every message counted once. `eddy mirror`'s
one file gives the same answers."""
import collections
import random
import signal
import sqlite3
import subprocess
import time

import helpers

PARTITIONS = 12
EVENTS = 60_000
RATE = 1_000


class Instance:
    """One `eddy run` in the group, on its own database."""

    def __init__(self, eddy_bin, bootstrap, tmp_path, name):
        self.eddy_bin, self.bootstrap, self.name = eddy_bin, bootstrap, name
        self.db = tmp_path / f"{name}.db"
        self.tmp_path = tmp_path
        self.runs = 0
        self.process = None

    def start(self, wait=True):
        """Starts the instance; with `wait`, until it has partitions."""
        self.runs += 1
        self.log = self.tmp_path / f"{self.name}-{self.runs}.log"
        # Snapshots every few seconds, so that partitions move while their lines hold snapshots.
        self.process = helpers.run_eddy(self.eddy_bin, self.bootstrap, self.db, self.log, "--changelog-snapshot-interval", "4s")
        if wait:
            assert helpers.wait_for_log(self.log, "partitions assigned", timeout=60), f"{self.name} got no partitions in 60 s"
        return self

    def send(self, sig):
        self.process.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=timeout)
        self.process = None

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def offsets(self):
        """{partition: next offset} of the partitions this instance holds."""
        try:
            with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5) as db:
                return dict(db.execute("SELECT partition, next_offset FROM consumer_offsets WHERE topic = 'user-login'"))
        except sqlite3.OperationalError:
            return {}


def settled(instances, total):
    """Every partition is held by exactly one running instance, and together they are at `total`."""
    held = collections.Counter()
    done = 0
    for instance in instances:
        offsets = instance.offsets()
        held.update(offsets.keys())
        done += sum(offsets.values())
    return done == total and sorted(held) == list(range(PARTITIONS)) and all(n == 1 for n in held.values())


def holdings(instances):
    """What each instance holds, for a failure's message: {name: {partition: next offset}}."""
    return {instance.name: dict(sorted(instance.offsets().items())) for instance in instances}


def wait_for_exact_state(instances, total, expected, timeout=120):
    """Waits until the instances hold every partition once, at `total` messages, and over their
    databases exactly `expected`. One look is not enough: a member back from a stall sets off more rounds
    of rebalancing after the offsets first add up, and a partition on the move is in no database for a
    moment (its old owner drops it at its next assignment, the new one restores it at its own). A state
    that stays wrong still fails, saying what differs."""
    def exact():
        try:
            return settled(instances, total) and cluster_state(instances) == expected
        except AssertionError:  # two instances hold a partition for a moment during a move
            return False
    helpers.wait_until(exact, timeout, lambda: difference(instances, expected))
    for instance in instances:
        audit = subprocess.run([instance.eddy_bin, "audit", "--db", str(instance.db)], capture_output=True, text=True, timeout=60)
        assert audit.returncode == 0, f"eddy audit of {instance.name}: {audit.stdout}{audit.stderr}"


def difference(instances, expected):
    """What the instances hold that differs from `expected`, for a failure's message."""
    try:
        counts, valid, failed = cluster_state(instances)
    except AssertionError as error:
        return f"{error}; holdings {holdings(instances)}"
    short = sum((expected[0] - counts).values())
    extra = sum((counts - expected[0]).values())
    return (f"login_counts {short} logins short and {extra} too many; login_events {len(expected[1] - valid)} missing, "
            f"{len(valid - expected[1])} unexpected; failed_messages {len(expected[2].keys() - failed.keys())} missing, "
            f"{len(failed.keys() - expected[2].keys())} unexpected, {sum(1 for k in failed.keys() & expected[2].keys() if failed[k] != expected[2][k])} "
            f"different; holdings {holdings(instances)}")


def cluster_state(instances):
    """The stored state summed over the databases of `instances`; fails when two hold the same row."""
    counts, valid, failed = collections.Counter(), set(), {}
    for instance in instances:
        c, v, f = helpers.stored_state(instance.db)
        counts.update(c)
        assert not valid & v, f"{instance.name} holds events another instance holds too"
        assert not failed.keys() & f.keys(), f"{instance.name} holds failed rows another instance holds too"
        valid |= v
        failed.update(f)
    return counts, valid, failed


def test_state_moves_with_its_partitions(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=PARTITIONS)
    producer = subprocess.Popen(
        [eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", str(EVENTS), "--rate", str(RATE),
         "--seed", "13", "--bad-share", "0.05", "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
    )
    a, b, c, d = (Instance(eddy_bin, broker.bootstrap, tmp_path, name) for name in "abcd")
    everyone = [a, b, c, d]
    cluster_db = tmp_path / "cluster.db"
    mirror_http = f"http://127.0.0.1:{helpers.free_port()}"
    with open(tmp_path / "mirror.log", "ab") as log:
        mirror = subprocess.Popen(
            [eddy_bin, "mirror", "--brokers", broker.bootstrap, "--group", "e2e", "--db", str(cluster_db),
             "--http", mirror_http.removeprefix("http://")], stdout=log, stderr=log,
        )
    try:
        a.start()
        time.sleep(2)
        b.start()                       # scale out
        time.sleep(3)
        c.start()
        time.sleep(3)
        b.stop(signal.SIGKILL)          # a pod lost with its volume
        b.db.unlink()
        time.sleep(3)
        c.stop()                        # scale in
        d.start()                       # a fresh pod
        time.sleep(3)
        c.start()                       # back on its old volume
        time.sleep(3)
        a.send(signal.SIGSTOP)        # a stall past the session timeout
        time.sleep(12)
        a.send(signal.SIGCONT)
        assert producer.wait(timeout=180) == 0, "eddy produce failed"

        running = [i for i in everyone if i.running]
        assert sorted(i.name for i in running) == ["a", "c", "d"]
        messages = helpers.read_topic(broker.bootstrap, broker.topic)
        assert len(messages) == EVENTS
        expected = helpers.expected_state(messages)
        wait_for_exact_state(running, EVENTS, expected)
        def mirrored():
            try:
                return helpers.stored_state(cluster_db) == expected
            except sqlite3.OperationalError:
                return False
        helpers.wait_until(mirrored, 60, "eddy mirror's file did not come to the cluster's state")
        assert mirror.poll() is None, "eddy mirror stopped"
        status, detail = helpers.http_get(mirror_http + "/readyz")
        assert status == 200, f"eddy mirror is up to date but not ready: {detail}"
        _, metrics = helpers.http_get(mirror_http + "/metrics")
        applied = [line for line in metrics.splitlines() if line.startswith("eddy_restored_rows_total ")]
        assert applied and float(applied[0].split()[1]) > 0, "eddy mirror's /metrics does not count the rows it applied"

        restored = [i.name for i in everyone if "restored from the changelog" in "".join(
            p.read_text(errors="replace") for p in tmp_path.glob(f"{i.name}-*.log"))]
        assert restored, "no partition was ever restored from the changelog"
        logs = "".join(p.read_text(errors="replace") for p in tmp_path.glob("*.log"))
        assert "snapshot written to the changelog" in logs, "no snapshot was written"
    finally:
        for process in (producer, mirror):
            process.kill()
            process.wait()
        for instance in everyone:
            if instance.process and instance.process.poll() is None:
                instance.process.send_signal(signal.SIGCONT)
            instance.stop(signal.SIGKILL)


def test_kill9_loops_while_partitions_move(eddy_bin, broker_factory, tmp_path):
    """Three instances; again and again one of them, at random, is killed with SIGKILL at a random
    moment (during a restore, a batch, a hand-over) and started again on its database, while events
    stream in. The survivors' databases end exact."""
    broker = broker_factory(partitions=PARTITIONS)
    events = 40_000
    producer = subprocess.Popen(
        [eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", str(events), "--rate", str(RATE // 2),
         "--seed", "17", "--bad-share", "0.05", "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
    )
    instances = [Instance(eddy_bin, broker.bootstrap, tmp_path, name) for name in "xyz"]
    chaos = random.Random(2027)
    try:
        for instance in instances:
            instance.start()
        kills = 0
        while producer.poll() is None and kills < 12:
            time.sleep(chaos.uniform(1.0, 4.0))
            victim = chaos.choice(instances)
            victim.stop(signal.SIGKILL)
            kills += 1
            time.sleep(chaos.uniform(0.0, 2.0))
            victim.start(wait=False)
        assert kills >= 6, f"only {kills} kills landed while the events streamed in"
        assert producer.wait(timeout=120) == 0, "eddy produce failed"
        messages = helpers.read_topic(broker.bootstrap, broker.topic)
        assert len(messages) == events
        wait_for_exact_state(instances, events, helpers.expected_state(messages))
    finally:
        producer.kill()
        producer.wait()
        for instance in instances:
            instance.stop(signal.SIGKILL)
