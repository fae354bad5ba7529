"""eddy backup: a consistent copy of the live database, checked, and restored onto a new instance."""
import shutil
import signal
import sqlite3
import subprocess

import pytest

import helpers


def stored_offsets(db):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return dict(connection.execute("SELECT partition, next_offset FROM consumer_offsets"))


@pytest.mark.parametrize("changelog", ["off", "on"])
def test_a_backup_taken_while_streaming_restores_onto_a_new_instance_exactly(eddy_bin, broker_factory, tmp_path, changelog):
    """A backup taken while events stream in holds the state of exactly the offsets it stores. The first
    instance is then lost with its disk; a new instance started on the restored copy resumes at the copy's
    offsets and ends exact. With the changelog on, the new instance must also accept the copy's older
    state (it restores what the changelog holds past it)."""
    broker = broker_factory(partitions=4)
    events = 20_000
    producer = subprocess.Popen(
        [eddy_bin, "produce", "--brokers", broker.bootstrap, "--count", str(events), "--rate", "2000", "--seed", "8",
         "--bad-share", "0.05", "--log-level", "warning"], stdout=subprocess.DEVNULL)
    options = ("--changelog-topic", "off") if changelog == "off" else ()
    first_db = tmp_path / "first" / "eddy.db"
    first_db.parent.mkdir()
    backup = tmp_path / "backups" / "eddy-backup.db"
    backup.parent.mkdir()
    first = helpers.run_eddy(eddy_bin, broker.bootstrap, first_db, tmp_path / "first.log", *options)
    second = None
    try:
        helpers.wait_until(lambda: helpers.committed_total(first_db) > 4_000, 60, "eddy committed nothing")
        made = subprocess.run([eddy_bin, "backup", "--db", str(first_db), "--to", str(backup)], capture_output=True, text=True, timeout=60)
        assert made.returncode == 0 and "is intact (integrity_check ok" in made.stdout, made.stdout + made.stderr
        assert not backup.with_name(backup.name + ".partial").exists()
        assert first.poll() is None, "the backup disturbed the running instance"

        # The copy is one transaction's state: exactly the messages before its stored offsets.
        offsets = stored_offsets(backup)
        assert 4_000 <= sum(offsets.values()) < events, offsets
        assert producer.wait(timeout=120) == 0, "eddy produce failed"
        messages = helpers.read_topic(broker.bootstrap, broker.topic)
        before_backup = [m for m in messages if m[1] < offsets.get(m[0], 0)]
        assert helpers.stored_state(backup) == helpers.expected_state(before_backup)

        again = subprocess.run([eddy_bin, "backup", "--db", str(first_db), "--to", str(backup)], capture_output=True, text=True, timeout=60)
        assert again.returncode != 0 and "exists already" in again.stderr, again.stderr

        # The first instance and its disk are gone; the copy goes in place of a new instance's database.
        helpers.wait_for_total(first_db, events, timeout=120)
        first.kill()
        first.wait()
        second_db = tmp_path / "second" / "eddy.db"
        second_db.parent.mkdir()
        shutil.copy(backup, second_db)
        second = helpers.run_eddy(eddy_bin, broker.bootstrap, second_db, tmp_path / "second.log", *options)
        helpers.wait_for_total(second_db, events, timeout=120)
        assert helpers.stored_state(second_db) == helpers.expected_state(messages)
        audit = subprocess.run([eddy_bin, "audit", "--db", str(second_db)], capture_output=True, text=True, timeout=60)
        assert audit.returncode == 0 and "login_counts matches the stored events" in audit.stdout, audit.stdout + audit.stderr
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
    finally:
        for process in (producer, first, second):
            if process and process.poll() is None:
                process.kill()
                process.wait()


def test_backup_check_names_a_damaged_copy_and_a_file_that_is_not_eddys(eddy_bin, tmp_path):
    """--check reads every page: a copy with a damaged page inside exits 1 naming the file; a sound SQLite
    file that is not an Eddy database is named as such; a missing --db is one line."""
    db = tmp_path / "eddy.db"
    assert subprocess.run([eddy_bin, "migrate", "--db", str(db)], capture_output=True, timeout=60).returncode == 0
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.executemany("INSERT INTO failed_messages (topic, partition, offset, payload, error_class, error, first_failed_at, "
                               "last_attempt_at) VALUES ('t', 0, ?, randomblob(3000), 'x', 'x', 0, 0)", [(i,) for i in range(300)])
    copy = tmp_path / "copy.db"
    made = subprocess.run([eddy_bin, "backup", "--db", str(db), "--to", str(copy)], capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    checked = subprocess.run([eddy_bin, "backup", "--check", str(copy)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and "is intact" in checked.stdout, checked.stdout + checked.stderr

    with open(copy, "r+b") as file:
        file.seek(4096 * (copy.stat().st_size // 4096 // 2))
        file.write(b"\xff" * 4096)
    damaged = subprocess.run([eddy_bin, "backup", "--check", str(copy)], capture_output=True, text=True, timeout=60)
    assert damaged.returncode == 1 and f"{copy} is damaged" in damaged.stderr and "Traceback" not in damaged.stderr, damaged.stderr

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (x)")
    foreign = subprocess.run([eddy_bin, "backup", "--check", str(other)], capture_output=True, text=True, timeout=60)
    assert foreign.returncode == 1 and "is not an Eddy database" in foreign.stderr, foreign.stderr

    missing = subprocess.run([eddy_bin, "backup", "--db", str(tmp_path / "none.db"), "--to", str(tmp_path / "b.db")],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0 and "there is no database at" in missing.stderr and not (tmp_path / "none.db").exists(), missing.stderr
