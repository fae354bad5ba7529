"""Fixtures for the end-to-end tests: the real `eddy` binary, a development broker, a scratch folder."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def eddy_bin():
    path = pathlib.Path(os.environ.get("EDDY_BIN", ROOT / ".build/debug/eddy"))
    if not path.exists():
        pytest.fail(f"{path} is missing: build it with `swift build` (make test does)")
    return str(path)


class Broker:
    """`eddy broker` in a child process; its bootstrap address is the first line it prints. It also
    creates the changelog topic of the tests' group, e2e-changelog, and takes fault commands on its standard
    input (`control`)."""

    def __init__(self, eddy_bin, partitions, topic="user-login"):
        self.topic = topic
        self.process = subprocess.Popen(
            [eddy_bin, "broker", "--partitions", str(partitions), "--topic", topic, "--group", "e2e", "--log-level", "warning"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.bootstrap = self.process.stdout.readline().strip()
        assert self.bootstrap, "eddy broker printed no bootstrap address"

    def control(self, command):
        """Sends one fault command (`down`, `up`, `fail fetch 10 6`) and returns the broker's answer."""
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        assert answer, f"eddy broker did not answer {command!r}"
        return answer

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def broker_factory(eddy_bin):
    brokers = []

    def make(partitions=8, topic="user-login"):
        broker = Broker(eddy_bin, partitions, topic)
        brokers.append(broker)
        return broker

    yield make
    for broker in brokers:
        broker.stop()
