"""Run one CLI command in process, registered with the oracle toolchain, as the tests of
`seglam ask` and `seglam eval` do."""

from __future__ import annotations

import argparse
from typing import Any, Callable

from tests.engine.oracle_toolchain import OracleToolchain


def run_registered(register: Callable[..., None], argv: list[str], capsys: Any,
                   factory: Callable[[], Any] = OracleToolchain) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``argv`` given to the command ``register`` adds
    (with ``factory``'s toolchain)."""
    parser = argparse.ArgumentParser(prog="seglam")
    register(parser.add_subparsers(), toolchain_factory=factory)
    args = parser.parse_args(argv)
    code = args.handler(args)
    out = capsys.readouterr()
    return code, out.out, out.err
