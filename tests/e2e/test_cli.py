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


def test_an_exit_on_an_error_ends_with_its_cause_and_nothing_else_reads_like_one(eddy_bin, tmp_path):
    """With the ops endpoints up and every log line on, the last line names the cause and the remedy;
    no error line of the HTTP server's shutdown comes before it."""
    result = run(eddy_bin, "run", "--brokers", "127.0.0.1:1", "--db", str(tmp_path / "e.db"), "--http", "127.0.0.1:0")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "no Kafka broker answered" in lines[-1] and "check the broker addresses" in lines[-1], result.stderr
    assert not [line for line in lines if " error " in line and "Hummingbird" in line], result.stderr


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


def test_demo_runs_the_whole_pipeline_and_prints_the_summary(eddy_bin, tmp_path):
    db = tmp_path / "demo.db"
    result = run(eddy_bin, "demo", "--events", "3000", "--partitions", "2", "--db", str(db), timeout=120)
    assert result.returncode == 0, result.stderr
    assert "events produced   3000" in result.stdout
    assert "sqlite3 " + str(db) in result.stdout
    import sqlite3

    with sqlite3.connect(db) as conn:
        valid = conn.execute("SELECT COUNT(*) FROM login_events").fetchone()[0]
        failed = conn.execute("SELECT COUNT(*) FROM failed_messages").fetchone()[0]
        logins = conn.execute("SELECT SUM(logins) FROM login_counts").fetchone()[0]
    assert valid + failed == 3000 and logins == valid and failed > 0
    assert f"published         {valid}  " in result.stdout, "every valid event published, counted in messages"


def test_demo_never_deletes_a_file_that_is_not_an_eddy_database(eddy_bin, tmp_path):
    precious = tmp_path / "notes.db"
    precious.write_text("my notes")
    result = run(eddy_bin, "demo", "--events", "10", "--db", str(precious))
    assert result.returncode != 0
    assert "not an Eddy database" in result.stderr
    assert precious.read_text() == "my notes"


def test_secrets_from_files_reach_librdkafka_and_never_the_output(eddy_bin, broker_factory, tmp_path):
    import os

    broker = broker_factory(partitions=1)
    secret = tmp_path / "password"
    secret.write_text("s3cr3t-value\n")
    env = dict(os.environ, EDDY_KAFKA_SASL_PASSWORD_FILE=str(secret), EDDY_KAFKA_SASL_USERNAME="eddy",
               EDDY_KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT", EDDY_KAFKA_SASL_MECHANISM="PLAIN")
    result = subprocess.run([eddy_bin, "run", "--brokers", broker.bootstrap, "--db", str(tmp_path / "e.db"),
                             "--http", "off"], capture_output=True, text=True, env=env, timeout=60)
    # The mock broker speaks no SASL, so the connection fails: but the settings reached librdkafka.
    assert result.returncode != 0
    assert "sasl.password=***" in result.stderr and "security.protocol=SASL_PLAINTEXT" in result.stderr
    assert "s3cr3t" not in result.stdout + result.stderr


def test_an_unreadable_secret_file_names_the_variable(eddy_bin, tmp_path):
    import os

    env = dict(os.environ, EDDY_KAFKA_SASL_PASSWORD_FILE=str(tmp_path / "missing"))
    result = subprocess.run([eddy_bin, "run", "--db", str(tmp_path / "e.db"), "--http", "off"],
                            capture_output=True, text=True, env=env, timeout=30)
    assert result.returncode != 0 and "EDDY_KAFKA_SASL_PASSWORD_FILE" in result.stderr


COMMANDS = [["run"], ["demo"], ["broker"], ["produce"], ["failed", "list"], ["failed", "show"],
            ["failed", "reprocess"], ["status"], ["prune"], ["migrate"], ["mirror"], ["audit"], ["offsets", "reset"]]


def test_every_option_in_help_is_in_the_configuration_reference(eddy_bin):
    import pathlib
    import re

    reference = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    missing = []
    for command in COMMANDS:
        text = run(eddy_bin, *command, "--help").stdout
        for option in set(re.findall(r"^\s+(--[a-z][a-z-]+)", text, re.M)) - {"--help"}:
            if f"`{option}`" not in reference:
                missing.append(f"eddy {' '.join(command)} {option}")
        for variable in set(re.findall(r"env:\s+(EDDY_[A-Z_]+)", text.replace("\n", " "))):
            if f"`{variable}`" not in reference:
                missing.append(f"eddy {' '.join(command)} {variable}")
    assert not missing, f"missing from docs/configuration.md: {missing}"
