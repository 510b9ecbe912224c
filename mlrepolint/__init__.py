"""mlrepolint: a plugin-based code-quality linter and scored rubric for machine-learning repositories."""

__version__ = "0.1.0"
