"""Configuration: command line > EDDY_* variable > config file > default; config file errors named in one
line; SASL and TLS settings reaching librdkafka. The mock broker speaks neither SASL nor TLS, so these
tests check that the settings arrive and that the broker's refusal is reported clearly."""
import json
import os
import signal
import subprocess
import time

import pytest

from helpers import RUN_ENV, committed_total, wait_for_total


def eddy(eddy_bin, *args, env=None, timeout=60):
    return subprocess.run([eddy_bin, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, **(env or {})))


def write_config(path, settings):
    path.write_text(json.dumps(settings))
    return path


def test_command_line_wins_over_environment_which_wins_over_the_file(eddy_bin, tmp_path):
    config = write_config(tmp_path / "eddy.json", {"db": str(tmp_path / "file.db")})
    assert eddy(eddy_bin, "migrate", "--config", config).returncode == 0
    assert (tmp_path / "file.db").exists()

    assert eddy(eddy_bin, "migrate", env={"EDDY_CONFIG_FILE": str(config), "EDDY_DB": str(tmp_path / "env.db")}).returncode == 0
    assert (tmp_path / "env.db").exists()

    result = eddy(eddy_bin, "migrate", "--db", tmp_path / "cli.db", "--config", config,
                  env={"EDDY_DB": str(tmp_path / "env2.db")})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cli.db").exists() and not (tmp_path / "env2.db").exists()

    shown = eddy(eddy_bin, "run", "--help", env={"EDDY_CONFIG_FILE": str(config)}).stdout
    assert f"(default: {tmp_path / 'file.db'})" in shown.replace("\n", " ").replace("  ", "")


def test_the_service_runs_from_a_config_file(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=4)
    produced = eddy(eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", 4000, "--bad-share", 0.05,
                    "--log-level", "warning")
    assert produced.returncode == 0, produced.stderr
    db = tmp_path / "from-file.db"
    config = write_config(tmp_path / "eddy.json", {
        "brokers": broker.bootstrap, "db": str(db), "group": "from-file", "batch-size": 500,
        "batch-latency": "50ms", "output-topic": "", "http": "off", "changelog-topic": "off",
        "kafka": {"session.timeout.ms": int(RUN_ENV["EDDY_KAFKA_SESSION_TIMEOUT_MS"])},
    })
    log = tmp_path / "run.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([eddy_bin, "run", "--config", str(config)], stdout=out, stderr=out)
    try:
        wait_for_total(db, 4000, timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, log.read_text()
    assert committed_total(db) == 4000
    text = log.read_text()
    assert "session.timeout.ms=6000" in text, "the file's kafka property did not reach librdkafka"


@pytest.mark.parametrize("settings, expected", [
    ({"batch-size": "lots"}, '"batch-size" in {path} is not a whole number'),
    ({"retain-events": 7}, '"retain-events" in {path} is not a retention period'),
    ({"kafka": {"no.such.thing": "1"}}, "no.such.thing"),
    ({"kafka": {"sasl.password_file": "/nonexistent/secret"}}, '"sasl.password_file" in {path}: cannot read the file'),
    ([1, 2], "{path}: must hold one JSON object"),
])
def test_a_bad_config_file_is_one_line_naming_it(eddy_bin, tmp_path, settings, expected):
    config = write_config(tmp_path / "eddy.json", settings)
    result = eddy(eddy_bin, "run", "--config", config, "--brokers", "127.0.0.1:1", "--db", tmp_path / "e.db",
                  "--http", "off")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expected.format(path=config) in lines[0], result.stderr



def test_a_changelog_topic_that_cannot_be_created_is_named_with_what_to_do(eddy_bin, broker_factory, tmp_path):
    """The mock broker cannot create topics: Eddy stops with one line naming the topic, its partition
    count and settings, and the way to run without it."""
    broker = broker_factory(partitions=4)
    result = eddy(eddy_bin, "run", "--brokers", broker.bootstrap, "--db", tmp_path / "eddy.db", "--group", "e2e",
                  "--changelog-topic", "missing-changelog", "--http", "off", env=RUN_ENV, timeout=90)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "the changelog topic missing-changelog does not exist and could not be created" in output, output[-2000:]
    assert "create it with 4 partitions" in output and "cleanup.policy=delete" in output
    assert "--changelog-topic off" in output
    assert "Fatal error" not in output and "Stack" not in output

def test_a_missing_or_broken_config_file_is_named(eddy_bin, tmp_path):
    missing = eddy(eddy_bin, "status", "--config", tmp_path / "none.json")
    assert missing.returncode != 0 and f"{tmp_path / 'none.json'}: cannot read it" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = eddy(eddy_bin, "status", env={"EDDY_CONFIG_FILE": str(broken)})
    assert result.returncode != 0 and "not valid JSON" in result.stderr


def test_tls_to_a_plaintext_broker_fails_with_the_handshake_named(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=1)
    result = eddy(eddy_bin, "run", "--brokers", broker.bootstrap, "--db", tmp_path / "e.db", "--http", "off",
                  "--output-topic", "", "--log-level", "critical", env={"EDDY_KAFKA_SECURITY_PROTOCOL": "SSL"})
    assert result.returncode != 0
    assert "no Kafka broker answered" in result.stderr and "SSL_HANDSHAKE" in result.stderr, result.stderr


def test_sasl_scram_from_the_file_reaches_librdkafka_and_the_refusal_is_named(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=1)
    secret = tmp_path / "kafka-password"
    secret.write_text("sc-r4m-secret\n")
    config = write_config(tmp_path / "eddy.json", {"kafka": {
        "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "SCRAM-SHA-512", "sasl.username": "eddy",
        "sasl.password_file": str(secret)}})
    result = eddy(eddy_bin, "run", "--config", config, "--brokers", broker.bootstrap, "--db", tmp_path / "e.db",
                  "--http", "off", "--output-topic", "", env={"EDDY_KAFKA_SASL_MECHANISM": "SCRAM-SHA-256"})
    assert result.returncode != 0
    output = result.stdout + result.stderr
    # The variable wins over the file; the password arrives but is never shown.
    assert "sasl.mechanism=SCRAM-SHA-256" in output and "sasl.password=***" in output, output
    assert "Failed to initialize SASL authentication" in result.stderr.splitlines()[-1]
    assert "sc-r4m" not in output


def test_an_unsupported_sasl_mechanism_is_refused_at_start(eddy_bin, tmp_path):
    result = eddy(eddy_bin, "run", "--brokers", "127.0.0.1:1", "--db", tmp_path / "e.db", "--http", "off", env={
        "EDDY_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "EDDY_KAFKA_SASL_MECHANISM": "SCRAM-SHA-999",
        "EDDY_KAFKA_SASL_USERNAME": "eddy", "EDDY_KAFKA_SASL_PASSWORD": "x"})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "SCRAM-SHA-999" in lines[0], result.stderr


def test_the_mirror_and_an_instance_keep_to_their_own_files(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=2)
    instance_db = tmp_path / "eddy.db"
    assert eddy(eddy_bin, "migrate", "--db", instance_db).returncode == 0
    subprocess.run(["sqlite3", str(instance_db), "INSERT INTO consumer_offsets VALUES ('user-login', 0, 5, 0)"], check=True)
    refused = eddy(eddy_bin, "mirror", "--brokers", broker.bootstrap, "--group", "e2e", "--db", instance_db)
    assert refused.returncode != 0
    assert "is an instance's database: give eddy mirror a file of its own" in refused.stderr + refused.stdout

    mirror_db = tmp_path / "cluster.db"
    mirror = subprocess.Popen([eddy_bin, "mirror", "--brokers", broker.bootstrap, "--group", "e2e", "--db", str(mirror_db),
                               "--http", "off"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while not mirror_db.exists() or subprocess.run(
                ["sqlite3", str(mirror_db), "PRAGMA application_id"], capture_output=True, text=True).stdout.strip() in ("", "0"):
            assert time.time() < deadline, "eddy mirror did not mark its file"
            time.sleep(0.1)
    finally:
        mirror.send_signal(signal.SIGTERM)
        assert mirror.wait(timeout=30) == 0
    refused = eddy(eddy_bin, "run", "--brokers", broker.bootstrap, "--db", mirror_db, "--http", "off", env=RUN_ENV)
    assert refused.returncode != 0
    assert "is eddy mirror's file: an instance needs a database of its own" in refused.stderr + refused.stdout
