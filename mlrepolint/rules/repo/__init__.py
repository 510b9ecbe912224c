"""Checkers that look at the repository as a whole."""
