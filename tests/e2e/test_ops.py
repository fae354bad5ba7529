"""The ops endpoints of a running `eddy run`: health, readiness, and Prometheus metrics that move."""
import re
import signal
import socket
import subprocess

from prometheus_client.parser import text_string_to_metric_families

import helpers


def samples(url):
    _, text = helpers.http_get(url + "/metrics")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def dashboard_metrics():
    """The metric names in the Grafana dashboard's queries."""
    import json
    import pathlib
    import re

    dashboard = json.loads((pathlib.Path(__file__).resolve().parents[2] / "deploy/grafana/eddy.json").read_text())
    queries = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    return {name for query in queries for name in re.findall(r"\beddy_[a-z_]+", query)}


def test_health_readiness_and_metrics_that_move(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=4)
    db = str(tmp_path / "eddy.db")
    url = f"http://127.0.0.1:{helpers.free_port()}"
    log = tmp_path / "eddy.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, "--http", url.removeprefix("http://"))
    helpers.wait_until(lambda: helpers.http_get(url + "/healthz")[0] == 200, timeout=30, message="/healthz never answered")
    assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
    helpers.wait_until(lambda: helpers.http_get(url + "/readyz")[0] == 200, timeout=10, message="/readyz never became ready")

    before = samples(url)
    assert before[("eddy_assigned_partitions", ())] == 4
    consumed = before.get(("eddy_messages_consumed_total", ()), 0)
    assert subprocess.run([eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", "2000", "--bad-share", "0.1",
                           "--log-level", "warning"], capture_output=True, timeout=60).returncode == 0
    helpers.wait_for_total(db, 2000, timeout=30)
    helpers.wait_until(lambda: samples(url).get(("eddy_messages_consumed_total", ()), 0) == consumed + 2000,
                       timeout=10, message="eddy_messages_consumed_total did not move by 2000")
    after = samples(url)
    failed = sum(v for (name, _), v in after.items() if name == "eddy_messages_failed_total")
    assert after[("eddy_messages_applied_total", ())] + failed == 2000
    assert 100 < failed < 300
    assert after[("eddy_batch_commit_seconds_count", ())] >= 1
    assert after[("eddy_last_commit_timestamp_seconds", ())] > 0
    assert after[("eddy_database_bytes", ())] > 0 or after[("eddy_wal_bytes", ())] > 0
    helpers.wait_until(lambda: any(name == "eddy_consumer_lag" for name, _ in samples(url)), timeout=10,
                       message="eddy_consumer_lag never appeared (it is read every 5 s)")
    written = {dict(labels)["table"]: v for (name, labels), v in after.items() if name == "eddy_rows_written_total"}
    assert written["login_events"] == after[("eddy_messages_applied_total", ())], written
    assert 0 < written["login_counts"] < written["login_events"], written
    # The per-table counters exist from the start, at 0: none expire in this run.
    pruned = {dict(labels)["table"]: v for (name, labels), v in after.items() if name == "eddy_rows_pruned_total"}
    assert pruned["login_events"] == 0 and pruned["login_counts"] == 0, pruned
    exported = {name for name, _ in samples(url)}
    missing = dashboard_metrics() - exported
    assert not missing, f"the Grafana dashboard names metrics Eddy does not export: {missing}"

    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=10) == 0


def test_a_bad_http_address_is_one_clear_line(eddy_bin, tmp_path):
    result = subprocess.run([eddy_bin, "run", "--http", "nowhere", "--db", str(tmp_path / "e.db")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "--http" in result.stderr


def test_an_address_in_use_is_one_clear_line(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=1)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([eddy_bin, "run", "--brokers", broker.bootstrap, "--http", f"127.0.0.1:{port}",
                                 "--db", str(tmp_path / "e.db"), "--log-level", "critical"],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--http" in result.stderr


def test_json_logs_are_one_object_per_line(eddy_bin, broker_factory, tmp_path):
    import json

    broker = broker_factory(partitions=1)
    log = tmp_path / "eddy.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, tmp_path / "eddy.db", log, "--log-format", "json")
    assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=10) == 0
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert any(r["message"] == "partitions assigned" and r["level"] == "info" and "partitions" in r for r in records)
    assert all({"time", "level", "label", "message"} <= r.keys() for r in records)
    # RFC 3339 in UTC to the millisecond, which log pipelines sort by.
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["time"]) for r in records), records[0]["time"]


def test_lag_gauges_of_partitions_that_moved_away_are_removed(eddy_bin, broker_factory, tmp_path):
    """A second instance takes half the partitions: the first one's /metrics keeps the lag of the
    partitions it still owns only, instead of the last value of those that left."""
    broker = broker_factory(partitions=4)
    assert subprocess.run([eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", "2000", "--log-level", "warning"],
                          capture_output=True, timeout=60).returncode == 0
    urls = [f"http://127.0.0.1:{helpers.free_port()}" for _ in range(2)]
    services = []

    def lagging(url):
        return {labels for name, labels in samples(url) if name == "eddy_consumer_lag"}

    try:
        for name, url in zip("ab", urls):
            log = tmp_path / f"{name}.log"
            services.append(helpers.run_eddy(eddy_bin, broker.bootstrap, tmp_path / f"{name}.db", log, "--http",
                                             url.removeprefix("http://")))
            assert helpers.wait_for_log(log, "partitions assigned", timeout=60)
            if name == "a":
                helpers.wait_until(lambda: len(lagging(urls[0])) == 4, 30, "the first instance never showed lag for 4 partitions")
        helpers.wait_until(lambda: [samples(url).get(("eddy_assigned_partitions", ())) for url in urls] == [2, 2], 60,
                           "the partitions were not shared two and two")
        helpers.wait_until(lambda: len(lagging(urls[0])) == 2 and len(lagging(urls[1])) == 2, 30,
                           lambda: f"lag series: first {sorted(lagging(urls[0]))}, second {sorted(lagging(urls[1]))}")
        assert not lagging(urls[0]) & lagging(urls[1]), "both instances report the lag of the same partition"
        for service in services:
            service.send_signal(signal.SIGTERM)
            assert service.wait(timeout=30) == 0
    finally:
        for service in services:
            if service.poll() is None:
                service.kill()
                service.wait()


def test_the_log_names_the_port_the_ops_endpoints_got(eddy_bin, broker_factory, tmp_path):
    """With --http HOST:0 the system chooses the port: the log line names that one, and it answers."""
    broker = broker_factory(partitions=1)
    log = tmp_path / "eddy.log"
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, tmp_path / "eddy.db", log, "--http", "127.0.0.1:0")
    try:
        assert helpers.wait_for_log(log, "ops endpoints on", timeout=60)
        match = re.search(r"ops endpoints on http://127\.0\.0\.1:(\d+)/healthz", log.read_text())
        assert match and match.group(1) != "0", log.read_text()[-500:]
        assert helpers.http_get(f"http://127.0.0.1:{match.group(1)}/healthz")[0] == 200
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
    finally:
        if service.poll() is None:
            service.kill()
            service.wait()
