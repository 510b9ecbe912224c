"""Hardcoded secrets: provider-specific detectors (one per secret type), one scan per file, masked output.

`detectors` declares what each secret looks like, `scan` runs them all in one pass over a text, `checker` picks
the files to scan and reports what was found. A secret's value never leaves `scan`: findings carry its kind, its
place and a masked form.
"""
