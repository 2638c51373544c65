"""``seglam cache`` subcommands, driven through argparse with the oracle toolchain."""

import argparse
import json

from tests.cache.cache_oracle_toolchain import OracleToolchain
from tests.cache.cache_families import ADD, SORT
from seglam.cache import Cache
from seglam.cli.cache_args import register
from seglam.cli.cache_cmd import parse_typed


def run_cli(capsys, *argv):
    """`seglam cache ARGV` with the oracle toolchain: (exit code, stdout, stderr)."""
    parser = argparse.ArgumentParser(prog="seglam")
    register(parser.add_subparsers(dest="command"), toolchain_factory=OracleToolchain)
    args = parser.parse_args(["cache", *argv])
    code = args.handler(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_end_to_end(cache_location, tmp_path, capsys):
    """Every subcommand on either store; the export imports into a fresh LMDB cache."""
    path = cache_location
    with Cache(path, toolchain=OracleToolchain()) as c:
        sort_id = c.admit(SORT)
        add_id = c.admit(ADD)
        c.lookup("What is 2 plus 3?").run()
    code, out, _ = run_cli(capsys, "ls", "--cache", path)
    assert code == 0 and "ID" in out and sort_id in out and "Add two integers" in out
    code, out, _ = run_cli(capsys, "ls", "--cache", path, "--json")
    rows = json.loads(out)
    assert {r["id"] for r in rows} == {sort_id, add_id} and next(r for r in rows if r["id"] == add_id)["hits"] == 1
    code, out, _ = run_cli(capsys, "show", add_id[:6], "--cache", path)
    assert "def add(a: int, b: int) -> int:" in out and "What is {a: int} plus {b: int}?" in out
    code, out, _ = run_cli(capsys, "stats", "--cache", path, "--json")
    assert json.loads(out)["entries"]["active"] == 2
    code, out, _ = run_cli(capsys, "reject", add_id, "--cache", path, "--expected", "6", "--input", "a=2", "--input", "b=3")
    assert code == 0 and "quarantined" in out and "answered 5" in out
    new = tmp_path / "add2.sgl"
    new.write_text("def add(a: int, b: int) -> int:\n    return a + b + 1\n")
    code, out, _ = run_cli(capsys, "replace", add_id, str(new), "--cache", path)
    assert code == 0 and "v2" in out
    code, out, _ = run_cli(capsys, "history", add_id, "--cache", path, "--json")
    h = json.loads(out)
    assert [v["version"] for v in h["versions"]] == [1, 2]
    assert [e["kind"] for e in h["events"]] == ["admitted", "rejected", "replaced"]
    code, out, _ = run_cli(capsys, "export", str(tmp_path / "b"), "--cache", path)
    assert code == 0 and "exported 2" in out
    code, out, _ = run_cli(capsys, "import", str(tmp_path / "b"), "--cache", str(tmp_path / "fresh"))
    assert code == 0 and "imported 2" in out
    code, out, _ = run_cli(capsys, "retire", sort_id, "--cache", path)
    assert code == 0
    code, out, _ = run_cli(capsys, "gc", "--cache", path, "--idle-days", "-1", "--dry-run", "--json")
    assert [r["id"] for r in json.loads(out)["retired"]] == [add_id]


def test_cli_errors_are_clear(tmp_path, capsys):
    path = str(tmp_path / "c")
    code, _, err = run_cli(capsys, "show", "nope", "--cache", path)
    assert code == 1 and "NotFoundError" in err and "Traceback" not in err
    bad = tmp_path / "bad.sgl"
    bad.write_text("def main(x: int) -> int:\n    return x\n")
    code, _, err = run_cli(capsys, "add", str(bad), "--cache", path, "--pattern", "{x: int}", "--sample", "5")
    assert code == 1 and "over-general" in err
    code, out, _ = run_cli(capsys, "add", str(bad), "--cache", path, "--json", "--pattern", "Echo the number {x: int} back",
                        "--sample", "Echo the number 5 back")
    assert code == 0 and json.loads(out)["ok"]


def test_parse_typed():
    from decimal import Decimal
    assert parse_typed("a b", "str") == "a b"
    assert parse_typed("1.50", "Decimal") == Decimal("1.50")
    assert parse_typed("[1, 2]", "list[int]") == [1, 2]
    assert parse_typed("None", "int | None") is None
