"""The benchmark harness (`python benchmarks/run.py`) and its seeded data generator."""
