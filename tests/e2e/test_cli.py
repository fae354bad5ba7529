"""The command line: help that teaches, and bad invocations that fail fast with one clear line."""
import subprocess
import time

import pytest


def run(eddy_bin, *args, timeout=30):
    return subprocess.run([eddy_bin, *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("command", [[], ["run"], ["demo"], ["broker"], ["produce"]])
def test_help_says_what_it_does_with_an_example(eddy_bin, command):
    result = run(eddy_bin, *command, "--help")
    assert result.returncode == 0
    assert "Example" in result.stdout or "Try it" in result.stdout
    assert "eddy " in result.stdout


def test_unreachable_broker_fails_within_seconds(eddy_bin, tmp_path):
    started = time.time()
    result = run(eddy_bin, "run", "--brokers", "127.0.0.1:1", "--db", str(tmp_path / "e.db"), "--log-level", "critical")
    assert result.returncode != 0
    assert time.time() - started < 20
    assert "no Kafka broker answered" in result.stderr
    assert "Fatal error" not in result.stderr and "Stack" not in result.stderr


def test_unwritable_database_path_is_one_line(eddy_bin):
    result = run(eddy_bin, "run", "--brokers", "127.0.0.1:1", "--db", "/nonexistent-dir/e.db")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "does not exist" in lines[0], result.stderr


def test_unknown_option_and_invalid_values(eddy_bin):
    assert run(eddy_bin, "run", "--no-such-option").returncode != 0
    bad = run(eddy_bin, "run", "--batch-size", "0")
    assert bad.returncode != 0 and "--batch-size" in bad.stderr


def test_invalid_environment_value_names_the_variable(eddy_bin):
    import os

    env = dict(os.environ, EDDY_BATCH_SIZE="lots")
    result = subprocess.run([eddy_bin, "run"], capture_output=True, text=True, env=env, timeout=30)
    assert result.returncode != 0
    assert "EDDY_BATCH_SIZE" in result.stderr


def test_unknown_kafka_property_from_the_environment_is_named(eddy_bin, tmp_path):
    import os

    env = dict(os.environ, EDDY_KAFKA_NO_SUCH_THING="1")
    result = subprocess.run(
        [eddy_bin, "run", "--db", str(tmp_path / "e.db")], capture_output=True, text=True, env=env, timeout=30
    )
    assert result.returncode != 0
    assert "no.such.thing" in result.stderr


def test_broker_prints_its_address_first(broker_factory):
    broker = broker_factory(partitions=2)
    host, port = broker.bootstrap.rsplit(":", 1)
    assert host and int(port) > 0
