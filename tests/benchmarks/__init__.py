"""Benchmarks, not tests: ``python -m tests.benchmarks [NAME]`` prints measured figures."""
