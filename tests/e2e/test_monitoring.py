"""Monitoring that pages: the alert rules (deploy/prometheus/rules.yml) pass promtool, the PrometheusRule
(deploy/k8s/base/prometheusrule.yaml) holds the same groups, and a real Prometheus that scrapes a running
`eddy run` with the rules loaded has every metric the rules and the Grafana dashboard name."""
import json
import pathlib
import re
import shutil
import signal
import subprocess
import time
import urllib.parse

import pytest
import yaml

import helpers

ROOT = pathlib.Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy/prometheus/rules.yml"
RULES_TEST = ROOT / "deploy/prometheus/rules-test.yml"
PROMETHEUS_RULE = ROOT / "deploy/k8s/base/prometheusrule.yaml"
DASHBOARD = ROOT / "deploy/grafana/eddy.json"
METRIC = re.compile(r"\beddy_[a-z0-9_]+")
HISTOGRAM_SERIES = ("_bucket", "_sum", "_count")


def rules():
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


def rule_metrics():
    """The metric names in the rules' expressions and in their annotations (which point at metrics too)."""
    texts = [rule["expr"] for rule in rules()] + [text for rule in rules() for text in rule.get("annotations", {}).values()]
    return {name for text in texts for name in METRIC.findall(text)}


def dashboard_metrics():
    """The metric names in the Grafana dashboard's queries, rows' panels included."""
    def panels(items):
        for panel in items:
            yield panel
            yield from panels(panel.get("panels", []))

    queries = [target.get("expr", "") for panel in panels(json.loads(DASHBOARD.read_text())["panels"])
               for target in panel.get("targets", [])]
    return {name for query in queries for name in METRIC.findall(query)}


def missing_from(scraped, histograms, names):
    """The names Prometheus did not scrape: a name is there as itself; a histogram's series
    (`x_bucket`, `x_sum`, `x_count`) when `x` is a histogram; a bare histogram name when its buckets are."""
    def present(name):
        base = next((name.removesuffix(s) for s in HISTOGRAM_SERIES if name.endswith(s)), None)
        if base is not None and base in histograms:
            return name in scraped
        return name in scraped or (name in histograms and name + "_bucket" in scraped)

    return sorted(name for name in names if not present(name))


def test_the_prometheus_rule_holds_the_same_groups_as_the_rules_file():
    rule = yaml.safe_load(PROMETHEUS_RULE.read_text())
    assert rule["apiVersion"] == "monitoring.coreos.com/v1" and rule["kind"] == "PrometheusRule"
    assert rule["spec"]["groups"] == yaml.safe_load(RULES.read_text())["groups"], (
        "deploy/k8s/base/prometheusrule.yaml's spec.groups differs from deploy/prometheus/rules.yml's groups: change both")


def test_every_alert_has_a_severity_a_runbook_section_and_a_unit_test():
    alerts_doc = (ROOT / "docs/alerts.md").read_text()
    rules_test = RULES_TEST.read_text()
    for rule in rules():
        name = rule["alert"]
        assert rule["labels"]["severity"] in ("critical", "warning"), name
        assert {"summary", "description"} <= rule["annotations"].keys(), name
        assert rule["annotations"]["runbook_url"] == f"docs/alerts.md#{name.lower()}", name
        assert f"\n## {name}\n" in alerts_doc, f"docs/alerts.md has no section for {name}"
        assert f"alertname: {name}\n" in rules_test, f"rules-test.yml does not test {name}"


@pytest.mark.skipif(shutil.which("promtool") is None,
                    reason="promtool is missing (Debian package `prometheus`; scripts/setup installs it)")
def test_promtool_checks_the_rules_and_runs_their_unit_tests():
    for command in (["check", "rules", str(RULES)], ["test", "rules", str(RULES_TEST)]):
        result = subprocess.run(["promtool", *command], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"promtool {' '.join(command)}:\n{result.stdout}{result.stderr}"


class Prometheus:
    """The `prometheus` server in a child process, scraping `target` every second with the rules loaded."""

    def __init__(self, tmp_path, target):
        self.url = f"http://127.0.0.1:{helpers.free_port()}"
        config = tmp_path / "prometheus.yml"
        config.write_text(yaml.safe_dump({
            "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(RULES)],
            "scrape_configs": [{"job_name": "eddy", "static_configs": [{"targets": [target]}]}],
        }))
        self.log = tmp_path / "prometheus.log"
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                 f"--web.listen-address={self.url.removeprefix('http://')}"],
                stdout=log, stderr=log)

    def api(self, path, **params):
        status, body = helpers.http_get(f"{self.url}/api/v1/{path}?{urllib.parse.urlencode(params)}")
        assert status == 200, f"GET /api/v1/{path}: {status} {body}"
        answer = json.loads(body)
        assert answer["status"] == "success", answer
        return answer["data"]

    def value(self, query):
        """The single value of an instant query, or None while it has no result."""
        result = self.api("query", query=query)["result"]
        return float(result[0]["value"][1]) if result else None

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.mark.skipif(shutil.which("prometheus") is None,
                    reason="the prometheus server is missing (Debian package `prometheus`; scripts/setup installs it)")
def test_a_real_prometheus_scrapes_every_metric_the_rules_and_the_dashboard_use(eddy_bin, broker_factory, tmp_path):
    broker = broker_factory(partitions=4)
    db = tmp_path / "eddy.db"
    log = tmp_path / "eddy.log"
    address = f"127.0.0.1:{helpers.free_port()}"
    # Retention of a minute prunes the generated events (up to 10 minutes old), so that
    # eddy_rows_pruned_total{table}, created with the first pruned row, exists.
    service = helpers.run_eddy(eddy_bin, broker.bootstrap, db, log, "--http", address,
                               "--retain-events", "1m", "--prune-interval", "1s")
    prometheus = Prometheus(tmp_path, address)

    def produce(count, seed):
        result = subprocess.run([eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", str(count), "--seed", str(seed),
                                 "--bad-share", "0.5", "--log-level", "warning"], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr

    def consumed():
        return prometheus.value('eddy_messages_consumed_total{job="eddy"}')

    try:
        assert helpers.wait_for_log(log, "partitions assigned", timeout=60), log.read_text()
        helpers.wait_until(lambda: helpers.http_get(prometheus.url + "/-/ready")[0] == 200, 30,
                           lambda: f"prometheus never became ready:\n{prometheus.log.read_text()[-3000:]}")
        helpers.wait_until(lambda: consumed() == 0, 30, "prometheus never scraped eddy")

        # Two bursts: eddy_messages_failed_total{class} appears with its first failure, so the rate
        # of the dead-letter rule needs the second one to see it grow.
        produce(200, seed=1)
        helpers.wait_until(lambda: consumed() == 200, 30, lambda: f"prometheus saw {consumed()} messages consumed, not 200")
        helpers.wait_until(lambda: prometheus.value('sum(eddy_messages_failed_total{job="eddy"})') is not None, 10,
                           "prometheus never scraped eddy_messages_failed_total")
        produce(2000, seed=2)
        helpers.wait_for_total(db, 2200, timeout=30)
        helpers.wait_until(lambda: consumed() == 2200, 30, lambda: f"prometheus saw {consumed()} messages consumed, not 2200")

        targets = prometheus.api("targets")["activeTargets"]
        assert [(t["labels"]["job"], t["health"]) for t in targets] == [("eddy", "up")], targets

        # Every name the rules and the dashboard use is among the scraped ones (lag is read every 5 s,
        # the first pruning within a second or two: wait for those).
        histograms = {name for name, entries in prometheus.api("metadata").items()
                      if name.startswith("eddy_") and entries[0]["type"] == "histogram"}
        assert {"eddy_batch_commit_seconds", "eddy_batch_messages"} <= histograms, histograms
        wanted = {"rules": rule_metrics(), "dashboard": dashboard_metrics()}
        assert "eddy_batch_commit_seconds_bucket" in wanted["rules"] | wanted["dashboard"]

        def missing():
            scraped = set(prometheus.api("label/__name__/values"))
            return {source: missing_from(scraped, histograms, names) for source, names in wanted.items()}

        try:
            helpers.wait_until(lambda: not any(missing().values()), 20, "")
        except AssertionError:
            pass
        assert not missing()["rules"], f"the alert rules use metrics that Prometheus did not scrape from eddy: {missing()['rules']}"
        assert not missing()["dashboard"], (
            f"the Grafana dashboard uses metrics that Prometheus did not scrape from eddy: {missing()['dashboard']}")

        # The rules loaded, and every one evaluates without an error.
        def loaded():
            return [rule for group in prometheus.api("rules")["groups"] for rule in group["rules"]]

        helpers.wait_until(lambda: loaded() and all(rule["health"] == "ok" for rule in loaded()), 10,
                           lambda: f"rules not evaluated or failing: {[(r['name'], r['health'], r.get('lastError')) for r in loaded()]}")
        assert sorted(rule["name"] for rule in loaded()) == sorted(rule["alert"] for rule in rules())

        # Against real series: half the messages fail, so the dead-letter rule is pending (its `for` is
        # 15 minutes) with the class label, and nothing else is pending or firing on a healthy instance.
        def active():
            return sorted((alert["labels"]["alertname"], alert["labels"].get("class"), alert["state"])
                          for alert in prometheus.api("alerts")["alerts"])

        helpers.wait_until(
            lambda: active() and all(name == "EddyDeadLetterRowsGrowing" and state == "pending" for name, _, state in active()),
            15, lambda: f"expected only EddyDeadLetterRowsGrowing pending; active alerts: {active()}")
        assert {cls for _, cls, _ in active()} <= {"malformed", "invalid"}, active()

        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
    finally:
        if service.poll() is None:
            service.kill()
            service.wait()
        prometheus.stop()
