"""Dialogs built in code, each with typed results and an ``ask()`` seam for tests."""
