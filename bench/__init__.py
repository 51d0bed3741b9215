"""Benchmarks and load profiles (docs/performance.md). Not part of the test suite: `make bench`, `make load`."""
