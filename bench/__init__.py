"""Benchmarks and load profiles (issue 8). Not part of the test suite: `make bench`, `make load`."""
