"""The command line: help that teaches, and bad invocations that fail fast with one clear line; the docs
checked against it (every option, variable, default, metric, table and column they name exists)."""
import os
import pathlib
import re
import shlex
import sqlite3
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Where docs/ and README.md are read from. Pointing it at older copies of them shows that these tests
# catch what those copies got wrong.
DOCS_ROOT = ROOT


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
    env = dict(os.environ, EDDY_BATCH_SIZE="lots")
    result = subprocess.run([eddy_bin, "run"], capture_output=True, text=True, env=env, timeout=30)
    assert result.returncode != 0
    assert "EDDY_BATCH_SIZE" in result.stderr


def test_unknown_kafka_property_from_the_environment_is_named(eddy_bin, tmp_path):
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
    env = dict(os.environ, EDDY_KAFKA_SASL_PASSWORD_FILE=str(tmp_path / "missing"))
    result = subprocess.run([eddy_bin, "run", "--db", str(tmp_path / "e.db"), "--http", "off"],
                            capture_output=True, text=True, env=env, timeout=30)
    assert result.returncode != 0 and "EDDY_KAFKA_SASL_PASSWORD_FILE" in result.stderr


# ---------------------------------------------------------------------------------------------------
# The docs against the command line and the code

# ArgumentParser's own options, on every command.
BUILTIN_OPTIONS = {"--help", "--version", "--generate-completion-script", "--experimental-dump-help"}

# Options of other tools that the docs name, with the tool.
FOREIGN_OPTIONS = {
    "--build": "docker compose up",
    "--replicas": "kubectl scale",
    "--create": "kafka-topics.sh",
    "--alter": "kafka-topics.sh",
    "--no-parallel": "swift test",
    "--call-graph": "perf record",
    "--parser-only": "bench/ParserBench",
    "--multi-page": "swift package generate-manual",
    "--section": "swift package generate-manual",
    "--authors": "swift package generate-manual",
    "--date": "swift package generate-manual",
    "--previous": "kubectl logs",
    "--from-literal": "kubectl create secret",
    "--from-file": "kubectl create secret",
    "--describe": "kafka-consumer-groups.sh",
    "--web.enable-lifecycle": "prometheus",
}

# An option as the docs write it: `--batch-size`, `--retain-*`, `--web.enable-lifecycle`.
OPTION = r"(?<![\w-])--[a-z](?:[a-z0-9.-]*[a-z0-9])?(?:-?\*)?"

# EDDY_ variables that are no setting of eddy's: the build's and the tests'. Each must be in its file.
BUILD_VARIABLES = {"EDDY_GIT_COMMIT": "Package.swift", "EDDY_BIN": "tests/e2e/conftest.py"}


def doc_texts():
    """docs/*.md and README.md, by their path from the root."""
    paths = sorted((DOCS_ROOT / "docs").glob("*.md")) + [DOCS_ROOT / "README.md"]
    return {str(path.relative_to(DOCS_ROOT)): path.read_text() for path in paths}


def doc_lines():
    for name, text in doc_texts().items():
        for number, line in enumerate(text.splitlines(), 1):
            yield f"{name}:{number}", line


@pytest.fixture(scope="module")
def help_pages(eddy_bin):
    """`--help` of eddy and of every command and subcommand, found through the SUBCOMMANDS sections, so
    that a new command is checked too: {"": eddy's, "failed list": ..., ...}."""
    pages = {}

    def walk(path):
        text = run(eddy_bin, *path, "--help").stdout
        assert "USAGE:" in text, f"eddy {' '.join(path)} --help printed no usage"
        pages[" ".join(path)] = text
        if "SUBCOMMANDS:" in text:
            for name in re.findall(r"^  ([a-z][a-z-]*)(?:\s|$)", text.split("SUBCOMMANDS:", 1)[1], re.M):
                walk([*path, name])

    walk([])
    return pages


def options_of(text):
    """The options of one --help page: {"--batch-size": {"env": "EDDY_BATCH_SIZE", "default": "5000"}}."""
    blocks, current = {}, None
    for line in text.splitlines():
        start = re.match(r"^  (?:-\w, )?(--[a-z][a-z0-9-]*)(.*)", line)
        if start:
            current = start.group(1)
            blocks[current] = start.group(2)
        elif current and re.match(r"^ {20,}\S", line):
            blocks[current] += " " + line.strip()
        else:
            current = None
    options = {}
    for name, block in blocks.items():
        env = re.search(r"\[env:\s+(EDDY_[A-Z0-9_]+)\]", block)
        default = re.search(r"\(default:\s+(.*?)\)\s*$", block)
        options[name] = {"env": env and env.group(1), "default": default and default.group(1)}
    return options


def all_options(help_pages):
    return {option for text in help_pages.values() for option in options_of(text)} | BUILTIN_OPTIONS


def bench_options():
    """The options of the project's own scripts (bench/*.py), which the docs name too."""
    return {o for path in (ROOT / "bench").glob("*.py") for o in re.findall(r'add_argument\(\s*"(--[a-z0-9-]+)"', path.read_text())}


def test_every_option_in_help_is_in_the_configuration_reference(help_pages):
    reference = (DOCS_ROOT / "docs" / "configuration.md").read_text()
    missing = []
    for command, text in help_pages.items():
        for option, facts in options_of(text).items():
            if option in BUILTIN_OPTIONS:
                continue
            if f"`{option}`" not in reference:
                missing.append(f"eddy {command} {option}")
            if facts["env"] and f"`{facts['env']}`" not in reference:
                missing.append(f"eddy {command} {facts['env']}")
    assert not missing, f"missing from docs/configuration.md: {missing}"


def test_every_option_the_docs_name_exists(help_pages):
    """An option named anywhere in the docs (`--batch-latency`, `--retain-*`) is one of some command's
    --help, or of a named other tool."""
    known = all_options(help_pages) | set(FOREIGN_OPTIONS) | bench_options()
    wrong = []
    for where, line in doc_lines():
        for option in re.findall(OPTION, line):
            if option.endswith("*"):
                if not any(o.startswith(option[:-1]) for o in known):
                    wrong.append(f"{where}: {option}")
            elif option not in known:
                wrong.append(f"{where}: {option}")
    assert not wrong, f"options in the docs that no command has: {wrong}"


def test_every_eddy_command_line_in_the_docs_uses_that_commands_options(help_pages):
    """`eddy status --brokers ...` in the docs: every option after it is one of `eddy status`'s. (An
    `eddy` followed by no command, such as the StatefulSet in `kubectl scale statefulset eddy`, is not
    a command line of eddy's.)"""
    options = {command: set(options_of(text)) | BUILTIN_OPTIONS for command, text in help_pages.items()}
    invocation = re.compile(r"(?<![\w/.-])(?:\.build/(?:debug|release)/)?eddy((?: [a-z][a-z-]*)+)([^`\n|;#&)]*)")
    wrong = []
    for where, line in doc_lines():
        for match in invocation.finditer(line):
            words = match.group(1).split()
            command = next(" ".join(words[:n]) for n in range(len(words), -1, -1) if " ".join(words[:n]) in options)
            if not command:
                continue
            rest = " ".join(words[len(command.split()):]) + match.group(2)
            for option in re.findall(OPTION, rest):
                if option.endswith("*"):
                    ok = any(o.startswith(option[:-1]) for o in options[command])
                else:
                    ok = option in options[command]
                if not ok:
                    wrong.append(f"{where}: eddy {command} {option}")
    assert not wrong, f"command lines in the docs with an option their command does not take: {wrong}"


def configuration_rows():
    """The rows of docs/configuration.md's option tables: (command, options, env cell, default cell)."""
    rows, command = [], None
    for line in (DOCS_ROOT / "docs" / "configuration.md").read_text().splitlines():
        if line.startswith("## `eddy run`"):
            command = "run"
        if not line.startswith("| ") or line.startswith("| option") or line.startswith("| command"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5:  # the other commands: command, option, env, default, meaning
            if cells[0]:
                command = " ".join(w for w in re.sub(r"[`]", "", cells[0]).split()[1:] if w.islower())
            cells = cells[1:]
        if len(cells) != 4 or command is None:
            continue
        options = re.findall(r"`(--[a-z][a-z0-9-]*\*?)`", cells[0])
        if options:
            rows.append((command, options, cells[1], cells[2]))
    return rows


def test_the_configuration_reference_has_a_row_for_every_option_of_every_command(help_pages):
    """Each command's table rows in docs/configuration.md name every option its --help has."""
    documented = {}
    for command, names, _, _ in configuration_rows():
        documented.setdefault(command, []).extend(names)
    missing = []
    for command, text in help_pages.items():
        for option in set(options_of(text)) - BUILTIN_OPTIONS:
            names = documented.get(command, [])
            if option not in names and not any(n.endswith("*") and option.startswith(n[:-1]) for n in names):
                missing.append(f"eddy {command} {option}")
    assert not missing, f"options with no row of their command in docs/configuration.md: {sorted(missing)}"


def test_the_configuration_reference_gives_each_option_its_variable_and_default(help_pages):
    """Each row of the tables in docs/configuration.md says the variable the option reads (or none: a
    command-line-only option has an empty env column) and the default --help shows."""
    wrong = []
    run_options = options_of(help_pages["run"])
    for command, names, env_cell, default_cell in configuration_rows():
        assert command in help_pages, f"docs/configuration.md has a table row for eddy {command}, which does not exist"
        options = options_of(help_pages[command])
        expanded = [o for name in names for o in (sorted(x for x in options if x.startswith(name[:-1])) if name.endswith("*") else [name])]
        envs = re.findall(r"`(EDDY_[A-Z0-9_]+)`", env_cell)
        defaults = re.findall(r"`([^`]*)`", default_cell)
        for index, option in enumerate(expanded):
            if option not in options:
                wrong.append(f"eddy {command} has no {option}")
                continue
            facts = options[option]
            if "as for" in env_cell:
                expected_env = run_options.get(option, {}).get("env")
            elif len(envs) == len(expanded):
                expected_env = envs[index]
            elif not envs:
                expected_env = None
            else:
                expected_env = "?"
            if facts["env"] != expected_env:
                wrong.append(f"eddy {command} {option}: docs say variable {expected_env}, --help says {facts['env']}")
            if facts["default"] is None:
                continue
            if "as for" in default_cell:
                expected_default = run_options.get(option, {}).get("default")
            elif len(defaults) == len(expanded):
                expected_default = defaults[index]
            else:
                expected_default = default_cell
            if facts["default"] != expected_default:
                wrong.append(f"eddy {command} {option}: docs say default {expected_default}, --help says {facts['default']}")
    assert not wrong, f"docs/configuration.md against --help: {wrong}"


def test_no_doc_says_every_option_reads_a_variable_while_some_do_not(help_pages):
    """"Every option also reads an EDDY_* variable" was false (the demo's options, `produce --count`, the
    `failed` filters have none): a sentence of the docs that says every option reads a variable must be
    true of every option of every command."""
    without = sorted(f"eddy {command} {option}".replace("  ", " ") for command, text in help_pages.items()
                     for option, facts in options_of(text).items() if option not in BUILTIN_OPTIONS and not facts["env"])
    wrong = []
    for name, text in doc_texts().items():
        for sentence in re.split(r"(?<=[.:;])\s", " ".join(text.split())):
            if re.search(r"\b[Ee]very option\b(?! of)[^.]*\bEDDY_", sentence):
                wrong.append(f"{name}: {sentence[:120]}")
    assert not without or not wrong, f"these say every option reads a variable: {wrong}; these do not: {without}"


def test_every_environment_variable_the_docs_name_exists(help_pages):
    """An EDDY_ variable in the docs is one that --help shows as [env: ...], or of the librdkafka
    pass-through family EDDY_KAFKA_<NAME> (and its EDDY_KAFKA_<NAME>_FILE), the only families there are
    (Sources/eddy/KafkaEnvironment.swift): no other variable has a _FILE form."""
    variables = {facts["env"] for text in help_pages.values() for facts in options_of(text).values() if facts["env"]}
    wrong = []
    for where, line in doc_lines():
        for match in re.finditer(r"\bEDDY_([A-Z0-9_]*)([*<]?)", line):
            name, pattern = "EDDY_" + match.group(1), match.group(2)
            after = line[match.end():]
            if pattern:  # a family or wildcard: EDDY_*, EDDY_KAFKA_<NAME>, EDDY_RETAIN_*
                if name == "EDDY_" and after.startswith("_FILE"):
                    wrong.append(f"{where}: EDDY_*_FILE (only EDDY_KAFKA_*_FILE variables read a file)")
                elif name not in ("EDDY_", "EDDY_KAFKA_") and not any(v.startswith(name) for v in variables):
                    wrong.append(f"{where}: {name}{pattern}")
            elif name.startswith("EDDY_KAFKA_") and len(name) > len("EDDY_KAFKA_"):
                continue
            elif name in BUILD_VARIABLES:
                if name not in (ROOT / BUILD_VARIABLES[name]).read_text():
                    wrong.append(f"{where}: {name} (not in {BUILD_VARIABLES[name]})")
            elif name not in variables:
                wrong.append(f"{where}: {name}")
    assert not wrong, f"variables in the docs that eddy does not read: {wrong}"


def test_every_metric_the_docs_name_exists_in_the_code():
    code = "\n".join(path.read_text() for path in (ROOT / "Sources").rglob("*.swift"))
    metrics = set(re.findall(r'label: "(eddy_[a-z0-9_]+)"', code))
    assert len(metrics) > 20, "the metric names are no longer found in Sources/ (label: \"eddy_...\")"
    wrong = []
    for where, line in doc_lines():
        for name in re.findall(r"(?<![\w.-])eddy_[a-z0-9_]*[a-z0-9]", line):
            base = re.sub(r"_(bucket|sum|count)$", "", name)
            if name not in metrics and base not in metrics:
                wrong.append(f"{where}: {name}")
    assert not wrong, f"metrics in the docs that the code does not export: {wrong}"


def documented_tables(section):
    """The tables of one schema table of docs/querying.md (the built-in workload's, or the one under "A workload
    file's database"): {name: its columns, or None for a view}."""
    text = (DOCS_ROOT / "docs" / "querying.md").read_text()
    builtin, _, declared = text.partition("### A workload file's database")
    documented = {}
    for line in (declared if section == "declared" else builtin).splitlines():
        row = re.match(r"^\| `([a-z_]+)(?:\(([^)]*)\))?`", line)
        if row:
            documented[row.group(1)] = [c.strip() for c in row.group(2).split(",")] if row.group(2) else None
    return documented


def schema_of(db):
    """{table or view: its columns} of a database."""
    with sqlite3.connect(db) as conn:
        tables = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")}
        return {name: [row[1] for row in conn.execute(f"PRAGMA table_info({name})")] for name in tables}


def schema_differences(columns, documented):
    """What docs/querying.md (`documented`) says wrong of a database's tables (`columns`)."""
    wrong = [f"{name} is not in docs/querying.md" for name in sorted(set(columns) - set(documented))]
    wrong += [f"{name} is in docs/querying.md but not in the database" for name in sorted(set(documented) - set(columns))]
    for name, names in documented.items():
        if name in columns and names is not None and sorted(names) != sorted(columns[name]):
            wrong.append(f"{name}: docs say ({', '.join(names)}), the database has ({', '.join(columns[name])})")
    return wrong


def test_the_schema_in_the_docs_is_the_schema_eddy_creates(eddy_bin, tmp_path):
    """docs/querying.md's schema table names every table and view of a new database, each with exactly
    its columns; and a workload file's database holds the engine's tables of it, `declared_tables` as its
    second table says, and the tables `eddy workload check` prints."""
    db = tmp_path / "schema.db"
    result = run(eddy_bin, "migrate", "--db", str(db))
    assert result.returncode == 0, result.stderr
    builtin = documented_tables("builtin")
    wrong = schema_differences(schema_of(db), builtin)
    assert not wrong, wrong

    orders = DOCS_ROOT / "workloads" / "orders.yaml"
    declared_db = tmp_path / "orders.db"
    result = run(eddy_bin, "migrate", "--db", str(declared_db), "--workload", str(orders))
    assert result.returncode == 0, result.stderr
    check = run(eddy_bin, "workload", "check", str(orders))
    assert check.returncode == 0, check.stderr
    file_tables = set(re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?\"?([a-z_]+)", check.stdout))
    assert file_tables, check.stdout
    columns = schema_of(declared_db)
    engine = {name: names for name, names in builtin.items() if not name.startswith("login_")}
    wrong = schema_differences({name: names for name, names in columns.items() if name not in file_tables},
                               {**engine, **documented_tables("declared")})
    assert not wrong, wrong


def test_the_bash_completion_script_completes_the_commands(eddy_bin, help_pages, tmp_path):
    """`eddy --generate-completion-script bash` (README.md) names every command and, loaded into bash,
    offers them after `eddy ` and the subcommands of `failed` after `eddy failed `."""
    commands = [c for c in help_pages if c and " " not in c]
    result = run(eddy_bin, "--generate-completion-script", "bash")
    assert result.returncode == 0, result.stderr
    script = tmp_path / "eddy.bash"
    script.write_text(result.stdout)
    assert re.search(r"^complete .*-F _eddy eddy$", result.stdout, re.M), "the script registers no completion for eddy"
    for command in commands:
        assert re.search(rf"\b{command}\b", result.stdout), f"the completion script does not name {command}"
    for shell in ("zsh", "fish"):
        other = run(eddy_bin, "--generate-completion-script", shell)
        assert other.returncode == 0 and all(c in other.stdout for c in commands), shell

    def complete(*words):
        """What bash offers for the last of `words` (typed after `eddy`; "" for a new word)."""
        line = " ".join(["eddy", *words])
        probe = (f"source {shlex.quote(str(script))}; COMP_WORDS=({' '.join(shlex.quote(w) for w in ['eddy', *words])}); "
                 f"COMP_CWORD={len(words)}; COMP_LINE={shlex.quote(line)}; COMP_POINT=${{#COMP_LINE}}; _eddy; "
                 "printf '%s\\n' \"${COMPREPLY[@]}\"")
        done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        return set(done.stdout.split())

    assert set(commands) <= complete(""), complete("")
    assert {"list", "show", "reprocess"} <= complete("failed", ""), complete("failed", "")
