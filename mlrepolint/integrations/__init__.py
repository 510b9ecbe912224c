"""Adapters that run mlrepolint's per-file rules inside other tools (flake8, pylint); no rule logic of their own."""
