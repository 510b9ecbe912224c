"""Checkers that look at one Python file at a time."""
