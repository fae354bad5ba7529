"""Workload files (workloads/*.yaml): `eddy workload check` reads them as `eddy run` will, prints the tables
they declare as SQL that SQLite takes, and names the line and key of a mistake; the JSON Schema for editors
accepts the examples."""
import json
import pathlib
import sqlite3
import subprocess

import jsonschema
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "workloads").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_each_example_checks_and_its_tables_are_sql_that_sqlite_takes(eddy_bin, path, tmp_path):
    checked = subprocess.run([eddy_bin, "workload", "check", str(path)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    definition = yaml.safe_load(path.read_text())
    with sqlite3.connect(tmp_path / "check.db") as db:
        db.executescript(checked.stdout)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    declared = {a["table"] for a in definition.get("aggregations", [])} | ({definition["events"]["table"]} if "events" in definition else set())
    assert declared <= tables, checked.stdout


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_json_schema_accepts_each_example(path):
    schema = json.loads((ROOT / "workloads" / "workload.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(yaml.safe_load(path.read_text()), schema, cls=jsonschema.Draft202012Validator)


def test_the_json_schema_refuses_an_unknown_type_as_eddy_does(eddy_bin, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nsource:\n  topics: [t]\nfields:\n  a: {type: strin, required: true}\nevents:\n  table: e\n")
    schema = json.loads((ROOT / "workloads" / "workload.schema.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(bad.read_text()), schema, cls=jsonschema.Draft202012Validator)
    checked = subprocess.run([eddy_bin, "workload", "check", str(bad)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 1 and checked.stdout == ""
    assert checked.stderr.strip() == (f"Error: {bad}:5:13: fields.a.type: `strin` is not a type; the types are string, integer, number, "
                                      "boolean, unix-seconds, rfc3339, digits, decimal"), checked.stderr


def test_a_missing_file_is_one_line(eddy_bin, tmp_path):
    checked = subprocess.run([eddy_bin, "workload", "check", str(tmp_path / "none.yaml")], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 1 and "cannot be read" in checked.stderr and len(checked.stderr.strip().splitlines()) == 1, checked.stderr


def test_check_against_a_database_says_what_it_would_change_or_why_it_cannot(eddy_bin, tmp_path):
    """`eddy workload check FILE --db DB`: against a database of the built-in workload, user-login.yaml takes
    its tables as they are; a new workload's tables are created; a table of its name that is not the declared one
    is refused, naming the table and why (the refusals of changed declarations: Tests/DeclaredTests)."""
    db = tmp_path / "eddy.db"
    assert subprocess.run([eddy_bin, "migrate", "--db", str(db)], capture_output=True, timeout=60).returncode == 0
    same = subprocess.run([eddy_bin, "workload", "check", str(ROOT / "workloads/user-login.yaml"), "--db", str(db)],
                          capture_output=True, text=True, timeout=30)
    assert same.returncode == 0, same.stderr
    assert same.stdout.splitlines() == [f"{db}: takes {t} as it is (it has the declared columns)"
                                        for t in ("login_events", "login_event_minutes", "login_counts")], same.stdout
    # The orders file is new to this database: every table is created.
    orders = subprocess.run([eddy_bin, "workload", "check", str(ROOT / "workloads/orders.yaml"), "--db", str(db)],
                            capture_output=True, text=True, timeout=30)
    assert orders.returncode == 0 and f"{db}: creates order_totals" in orders.stdout, orders.stdout + orders.stderr
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE order_totals (x TEXT)")
    clash = subprocess.run([eddy_bin, "workload", "check", str(ROOT / "workloads/orders.yaml"), "--db", str(db)],
                           capture_output=True, text=True, timeout=30)
    assert clash.returncode == 1 and "the table order_totals cannot change as the file now says: a table of that name exists" in clash.stderr
    assert len(clash.stderr.strip().splitlines()) == 1, clash.stderr
    missing = subprocess.run([eddy_bin, "workload", "check", str(ROOT / "workloads/orders.yaml"), "--db", str(tmp_path / "none.db")],
                             capture_output=True, text=True, timeout=30)
    assert missing.returncode == 1 and "there is no database at" in missing.stderr and not (tmp_path / "none.db").exists()


def test_eddy_run_with_the_user_login_file_survives_kill9_exact_and_publishes(eddy_bin, broker_factory, tmp_path):
    """`eddy run --workload workloads/user-login.yaml` (the changelog and the output on): kill -9 four times
    while events stream in; at the end every message is counted once, failed ones kept with their bytes,
    and every valid one published."""
    import random
    import signal
    import time

    import helpers

    events = 20_000
    broker = broker_factory(partitions=4)
    db = tmp_path / "eddy.db"
    workload = ("--workload", str(ROOT / "workloads/user-login.yaml"))
    producer = subprocess.Popen(
        [eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", str(events), "--rate", "1000", "--seed", "17",
         "--bad-share", "0.05", "--log-level", "warning"], stdout=subprocess.DEVNULL)
    chaos = random.Random(17)
    service = None
    try:
        for kill in range(4):
            log = tmp_path / f"eddy-{kill}.log"
            service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, *workload)
            assert helpers.wait_for_log(log, "partitions assigned", timeout=60), log.read_text()[-2000:]
            time.sleep(chaos.uniform(0.5, 2.0))
            service.send_signal(signal.SIGKILL)
            service.wait()
        assert producer.wait(timeout=120) == 0
        log = tmp_path / "eddy-last.log"
        service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, *workload)
        assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
        helpers.wait_for_total(db, events, timeout=120)
        assert "workload user-login from" in log.read_text()
        messages = helpers.read_topic(broker.bootstrap, broker.topic)
        assert helpers.stored_state(db) == helpers.expected_state(messages)
        helpers.wait_until(lambda: helpers.outbox_pending(db) == 0, 60, "the outbox did not drain")
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
        published = helpers.read_topic(broker.bootstrap, "processed-output", with_headers=True)
        sources = {(int(h["eddy-source-partition"]), int(h["eddy-source-offset"])) for _, _, _, h in published}
        assert sources == helpers.expected_state(messages)[1], "every valid event was published, nothing else"
    finally:
        for process in (producer, service):
            if process and process.poll() is None:
                process.kill()
                process.wait()


@pytest.mark.parametrize("option", [("--store-events", "false"), ("--retain-events", "1d"), ("--retain-counts", "30d")])
def test_the_built_in_workloads_own_options_are_refused_with_a_file_not_ignored(eddy_bin, tmp_path, option):
    result = subprocess.run([eddy_bin, "run", "--workload", str(ROOT / "workloads/orders.yaml"), "--db", str(tmp_path / "e.db"),
                             "--http", "off", *option], capture_output=True, text=True, timeout=30)
    assert result.returncode == 1 and f"{option[0]} is the built-in workload's" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "e.db").exists()
