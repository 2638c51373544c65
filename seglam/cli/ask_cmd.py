"""What ``seglam ask`` and ``seglam stats`` do (their arguments are in :mod:`seglam.cli.ask_args`;
this module, and with it the engine and the OpenAI client, is imported when one of them runs).

Exit codes: 0 answered (hit, routed, compiled or uncached), 1 unsolved, 2 a usage,
configuration or cache error.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from seglam.cache import Cache, CacheError
from seglam.cache.values import render_value
from seglam.cli.argtypes import ToolchainFactory
from seglam.engine import ConfigError, Engine, load_config
from seglam.engine.config import HOW_TO_CONFIGURE
from seglam.engine.prices import DEFAULT_PRICE
from seglam.engine.prompt import build_prompts, free_text_request, structured_request
from seglam.syntax.jsontext import JsonLimitError, JsonTextError, dumps, loads


def model_config(args: argparse.Namespace) -> Any:
    """The :class:`CompilerConfig` from the config file, the environment and the flags of
    :func:`seglam.cli.ask_args.add_model_options`; raises :class:`seglam.engine.config.ConfigError`."""
    return load_config(
        model=args.model, base_url=args.base_url, temperature=args.temperature, candidates=args.candidates,
        repair_rounds=args.repair_rounds, route=False if args.no_route else None,
        direct_fallback=True if args.direct_fallback else None, probation=args.probation,
        novelty=False if args.no_novelty else None,
    )


# -- ask ----------------------------------------------------------------------------------------


def ask(args: argparse.Namespace, toolchain_factory: ToolchainFactory | None) -> int:
    if args.show_prompt:
        return _show_prompt(args)
    if (args.request is None) == (args.task is None):
        return _fail("give a request text, or --task with --input NAME=JSON ...")
    if args.input and args.task is None:
        return _fail("--input needs --task")
    try:
        inputs = _parse_inputs(args.input)
    except ValueError as err:
        return _fail(str(err))
    try:
        config = model_config(args)
    except ConfigError as err:
        return _fail(f"configuration: {err}")
    try:
        cache = open_cache(args.cache, toolchain_factory)
    except CacheError as err:
        return _fail(f"cache: {err}")
    try:
        with Engine(cache=cache, compiler=config) as engine:
            start = time.perf_counter()
            if args.task is not None:
                answer = engine.solve(task=args.task, inputs=inputs)
            else:
                answer = engine.solve(args.request)
            elapsed = time.perf_counter() - start
    except CacheError as err:
        return _fail(f"cache: {err}")
    finally:
        cache.close()
    if args.json:
        print(dumps(answer.to_json(), indent=1, default=str))
    else:
        print(render_answer(answer, elapsed, config.model))
    return 1 if answer.tier == "unsolved" else 0


def render_answer(answer: Any, elapsed: float, model: str | None = None) -> str:
    """The human-readable block: answer, tier, entry, time, tokens."""
    t = answer.trace
    lines = []
    if answer.tier == "unsolved":
        lines.append("answer:   (none)")
    else:
        value = answer.value if isinstance(answer.value, str) else render_value(answer.value)
        lines.append(f"answer:   {value}")
    lines.append(f"tier:     {answer.tier}" + ("  (not verified, not cached)" if answer.tier == "uncached" else ""))
    if t.entry_id:
        lines.append(f"entry:    {t.entry_id} v{t.version}" + (f"  pattern {t.pattern!r}" if t.pattern else ""))
        if t.bindings:
            lines.append("bindings: " + ", ".join(f"{k}={v}" for k, v in t.bindings.items()))
    timing = f"time:     {_ms(elapsed)}"
    gate = t.gate or {}
    if gate.get("run_ns") is not None and answer.tier in ("hit", "routed"):
        timing += f" (lookup {_ms(gate.get('lookup_ns', 0) / 1e9)}, run {_ms(gate['run_ns'] / 1e9)}"
        timing += "; the rest is loading the program, once per process)" if elapsed > 0.05 else ")"
    if t.fuel_used is not None:
        timing += f"  fuel {t.fuel_used}"
    lines.append(timing)
    u = t.usage
    cached = f" ({u.tokens_cached} from the provider's prompt cache)" if u.tokens_cached else ""
    tokens = f"tokens:   {u.tokens_in} in{cached} + {u.tokens_out} out in {u.calls} model call(s)"
    if u.cost:
        tokens += f", cost {u.cost:.6g}"
    if u.calls == 0 and answer.tier == "hit":
        tokens += " (a hit needs no model)"
    lines.append(tokens)
    if answer.tier in ("unsolved", "uncached") or t.reasons:
        if t.message:
            lines.append(f"why:      {t.message}")
        for r in t.reasons[-8:]:
            first, *rest = str(r).splitlines() or [""]
            lines.append(f"  - {first}")
            lines += [f"    {x}" for x in rest[:12]]
    if answer.tier == "unsolved" and not model and "SEGLAM_MODEL" not in (t.message or ""):
        lines.append(f"note:     {HOW_TO_CONFIGURE}")
    return "\n".join(lines)


def _show_prompt(args: argparse.Namespace) -> int:
    book = build_prompts()
    if args.task is not None:
        try:
            user, query = structured_request(args.task, _parse_inputs(args.input)), args.task
        except ValueError as err:
            return _fail(str(err))
    else:
        user, query = free_text_request(args.request or ""), args.request or ""
    system, shown = book.compile_messages(user, query)
    print("=== system ===")
    print(system["content"])
    if args.request is not None or args.task is not None:
        print("=== user ===")
        print(shown["content"])
    print(f"=== prompt hash {book.hash} ===")
    return 0


def _parse_inputs(items: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ValueError(f"--input {item!r}: write NAME=JSON (e.g. n=5, words='\"b a\"')")
        try:
            out[name] = loads(text)
        except JsonLimitError as err:
            raise ValueError(f"--input {name}: {err}") from None
        except JsonTextError:
            out[name] = text  # a bare word is the string itself
    return out


# -- stats --------------------------------------------------------------------------------------


def stats(args: argparse.Namespace, toolchain_factory: ToolchainFactory | None) -> int:
    try:
        cache = open_cache(args.cache, toolchain_factory)
    except CacheError as err:
        return _fail(f"cache: {err}")
    try:
        price = load_config().price()
    except ConfigError as err:
        return _fail(f"configuration: {err}")
    try:
        data = collect_stats(cache, price)
    except CacheError as err:
        return _fail(f"cache: {err}")
    finally:
        cache.close()
    if args.json:
        print(dumps(data, indent=1, default=str))
    else:
        print(render_stats(data))
    return 0


def collect_stats(cache: Any, price: Any = None) -> dict[str, Any]:
    """Cache totals plus, per family, hits and the model tokens its compile cost (and the
    price of those tokens under ``price``, a :class:`seglam.engine.prices.Price`; the
    provider-cached share is not stored per family, so they are priced as uncached: an
    upper bound), and the negative families."""
    price = price or DEFAULT_PRICE
    totals = cache.stats()
    families = []
    for e in cache.list():
        families.append({
            "id": e.id,
            "status": e.status,
            "description": e.description,
            "origin": e.provenance.origin,
            "model": e.provenance.model,
            "hits": e.stats.hits,
            "failures": e.stats.failures,
            "domain_misses": e.stats.domain_misses,
            "tokens_in": e.provenance.tokens_in,
            "tokens_out": e.provenance.tokens_out,
            "patterns": len(e.patterns),
        })
    compiled = [f for f in families if f["origin"] == "engine"]
    kinds = cache.negatives.list() if hasattr(cache, "negatives") else []
    return {
        "cache": totals,
        "families": families,
        "hits": sum(f["hits"] for f in families),
        "compile_tokens": sum(f["tokens_in"] + f["tokens_out"] for f in families),
        "compile_cost": sum(price.cost(f["tokens_in"], 0, f["tokens_out"]) for f in families),
        "price": price.to_json(),
        "compiled_by_model": len(compiled),
        "negative": {
            "active": sum(1 for k in kinds if k.status == "active"),
            "candidate": sum(1 for k in kinds if k.status == "candidate"),
            "lifted": sum(1 for k in kinds if k.status == "lifted"),
            "applied": sum(k.applied - k.probes for k in kinds),
        },
    }


def render_stats(data: dict[str, Any]) -> str:
    c = data["cache"]
    ent = c.get("entries", {})
    lines = [
        f"cache:     {c.get('path')}",
        f"families:  {ent.get('active', 0)} active, {ent.get('quarantined', 0)} quarantined, "
        f"{ent.get('retired', 0)} retired" + (f", {ent['corrupt']} corrupt" if ent.get("corrupt") else ""),
        f"hits:      {data['hits']} (each one a model call saved)",
        f"failures:  {c.get('failures', 0)} gate refusals, {c.get('domain_misses', 0)} outside a precondition",
        f"compiled:  {data['compiled_by_model']} famil{'y' if data['compiled_by_model'] == 1 else 'ies'} by a model, "
        f"{data['compile_tokens']} tokens in total, cost {data['compile_cost']:.6g} at most "
        f"(per million tokens: {_price_text(data['price'])})",
    ]
    neg = data.get("negative")
    if neg:
        lines.append(f"negative:  {neg['active']} active, {neg['candidate']} candidate, {neg['lifted']} lifted "
                     f"negative famil{'y' if neg['active'] == 1 else 'ies'}; {neg['applied']} compile attempts "
                     "saved (each answered by one direct call; `seglam cache ls --negative`)")
    if data["families"]:
        lines.append("")
        lines.append(f"{'id':<13} {'status':<11} {'hits':>6} {'tokens':>8}  description")
        for f in sorted(data["families"], key=lambda f: (-f["hits"], f["id"])):
            desc = f["description"] if len(f["description"]) <= 60 else f["description"][:57] + "..."
            lines.append(f"{f['id']:<13} {f['status']:<11} {f['hits']:>6} {f['tokens_in'] + f['tokens_out']:>8}  {desc}")
    return "\n".join(lines)


# -- helpers ------------------------------------------------------------------------------------


def _price_text(price: dict[str, float]) -> str:
    return f"input {price['input']:g}, cached input {price['cached_input']:g}, output {price['output']:g}"


def open_cache(path: str | None, toolchain_factory: ToolchainFactory | None) -> Any:
    return Cache(path, toolchain=toolchain_factory() if toolchain_factory else None)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _fail(message: str) -> int:
    print(f"seglam: {message}", file=sys.stderr)
    return 2
