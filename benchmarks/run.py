"""Run every benchmark module and print one table: figure, value, baseline, ratio, target.

A benchmark module is any module of this package (other than ``run`` and ``_private`` ones) with
``run(quick: bool) -> list[tuple[name, value, baseline, unit]]``; the baseline is measured in the
same run. Optional ``TARGETS = {name: "<= 1.5"}`` states a bound on ``value / baseline``
(``"<= 1.5 + 10"``: on ``value`` against 1.5 x ``baseline`` + 10).

Usage: ``python -m benchmarks.run [--quick] [--only MODULE ...]`` (also ``./scripts/bench``).
Exit status 1 when a target is missed or a benchmark fails.
"""

from __future__ import annotations

import argparse
import importlib
import operator
import pkgutil
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import benchmarks

Result = tuple[str, float, float, str]
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}


@dataclass
class Row:
    module: str
    figure: str
    value: float | None = None
    baseline: float | None = None
    unit: str = ""
    target: str = ""
    error: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def verdict(self) -> str:
        if self.error:
            return "ERROR"
        if not self.target or self.value is None or not self.baseline:
            return ""
        return "ok" if meets(self.value, self.baseline, self.target) else "MISSED"


def meets(value: float, baseline: float, target: str) -> bool:
    """``target`` is "<op> <factor>", e.g. "<= 1.5": the ratio value/baseline against the
    factor; or "<op> <factor> + <allowance>", e.g. "<= 1.5 + 10": value against factor x
    baseline + allowance (in the figure's unit)."""
    op, _, bound = target.strip().partition(" ")
    if op not in COMPARISONS:
        raise ValueError(f"target {target!r}: expected one of {', '.join(COMPARISONS)}")
    factor, _, allowance = bound.partition("+")
    if not allowance.strip():
        return COMPARISONS[op](value / baseline, float(factor))
    return COMPARISONS[op](value, float(factor) * baseline + float(allowance))


def discover() -> list[str]:
    names = []
    for info in pkgutil.iter_modules(benchmarks.__path__):
        if info.name != "run" and not info.name.startswith("_"):
            names.append(info.name)
    return sorted(names)


def load(name: str) -> ModuleType | None:
    module = importlib.import_module(f"benchmarks.{name}")
    return module if callable(getattr(module, "run", None)) else None


def run_module(name: str, quick: bool) -> list[Row]:
    try:
        module = load(name)
        if module is None:
            return []
        targets: dict[str, str] = getattr(module, "TARGETS", {})
        started = time.perf_counter()
        results: list[Result] = module.run(quick)
        print(f"# {name}: done in {time.perf_counter() - started:.1f}s", flush=True)
    except Exception:
        return [Row(name, "(failed)", error=traceback.format_exc(limit=-4))]
    return [
        Row(name, figure, float(value), float(baseline), unit, targets.get(figure, ""))
        for figure, value, baseline, unit in results
    ]


def number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.4g}" if abs(value) < 1e6 else f"{value:.3e}"


def table(rows: list[Row]) -> str:
    header = ("benchmark", "figure", "value", "baseline", "ratio", "target", "", "unit / baseline")
    lines = [header]
    for row in rows:
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "-"
        lines.append(
            (
                row.module,
                row.figure,
                number(row.value),
                number(row.baseline),
                ratio,
                row.target or "-",
                row.verdict,
                row.unit,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    out = []
    for i, line in enumerate(lines):
        cells = [
            cell.ljust(widths[j]) if j < 2 else cell.rjust(widths[j])
            for j, cell in enumerate(line[:-1])
        ]
        out.append("  ".join([*cells, line[-1]]).rstrip())
        if i == 0:
            out.append("-" * len(out[0]))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--only", nargs="+", metavar="MODULE", help="run only these modules")
    args = parser.parse_args(argv)
    names = discover()
    if args.only:
        unknown = sorted(set(args.only) - set(names))
        if unknown:
            parser.error(f"unknown benchmark(s) {', '.join(unknown)}; have {', '.join(names)}")
        names = [n for n in names if n in args.only]
    rows = [row for name in names for row in run_module(name, args.quick)]
    print()
    print(table(rows))
    for row in rows:
        if row.error:
            print(f"\n{row.module} failed:\n{row.error}", file=sys.stderr)
    return 1 if any(row.verdict in ("ERROR", "MISSED") for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
