"""A separate process asking one request (the concurrency test starts two of these)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from seglam.cache.cache import Cache  # noqa: E402
from seglam.engine import CompilerConfig, Engine  # noqa: E402
from seglam.engine.compiler import Compiler  # noqa: E402
from seglam.engine.prompt import build_prompts  # noqa: E402
from tests.engine.oracle_toolchain import OracleToolchain  # noqa: E402


def main() -> None:
    cache_dir, url, request, go = sys.argv[1:5]
    config = CompilerConfig(model="fake-model", base_url=url, api_key="k", backoff=0.0, timeout=5.0, max_retries=1,
                            probation=0, novelty=False)
    prompts = build_prompts(guide="# guide\n", worked=[], stdlib="- len\n")
    with Cache(cache_dir, toolchain=OracleToolchain()) as cache:
        engine = Engine(cache=cache, compiler=Compiler(config, prompts=prompts))
        while not Path(go).exists():  # start both workers at the same moment
            pass
        ans = engine.solve(request)
        print(json.dumps({"tier": ans.tier, "value": ans.value, "entry": ans.trace.entry_id}))


if __name__ == "__main__":
    main()
