"""Benchmarks: each module exposes ``run(quick) -> list[Result]``; ``python -m benchmarks.run``
runs them all and prints one table (see benchmarks/README.md)."""
