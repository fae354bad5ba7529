"""What a release carries: the version and commit in the binary, the changelog, and a Dockerfile that has
every part of the package the build needs."""
import json
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)


def test_version_names_the_release_and_the_commit_it_was_built_from(eddy_bin):
    printed = subprocess.run([eddy_bin, "--version"], capture_output=True, text=True, timeout=30)
    assert printed.returncode == 0, printed.stderr
    match = re.fullmatch(r"(\d+\.\d+\.\d+) \(commit ([0-9a-f]{40}(?:-dirty)?|unknown)\)\n", printed.stdout)
    assert match, printed.stdout
    version, commit = match.groups()
    assert f"## [{version}]" in (ROOT / "CHANGELOG.md").read_text(), "every release has its CHANGELOG.md section"
    head = git("rev-parse", "HEAD")
    if head.returncode != 0:
        pytest.skip("not a git checkout: the commit cannot be compared")
    dirty = git("diff", "--quiet", "HEAD", "--").returncode != 0
    assert commit == head.stdout.strip() + ("-dirty" if dirty else ""), "build with make (it passes the commit to Package.swift)"


def test_the_dockerfile_copies_every_target_the_package_declares():
    """SwiftPM loads every target of the package, the tests' too, before it builds one product: a target
    directory the image lacks fails `docker build` (no Docker engine runs here to try it)."""
    dumped = subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert dumped.returncode == 0, dumped.stderr
    package = json.loads(dumped.stdout)
    copied = [line.split()[1].removeprefix("./") for line in (ROOT / "Dockerfile").read_text().splitlines()
              if line.startswith("COPY ") and "--from" not in line]
    for target in package["targets"]:
        folder = "Tests" if target["type"] == "test" else "Sources"
        path = target.get("path") or f"{folder}/{target['name']}"
        assert any(path == c or path.startswith(c.rstrip("/") + "/") for c in copied), f"the Dockerfile does not copy {path}"
