"""`load-plugins=mlrepolint.pylint_plugin`: mlrepolint's per-file rules as pylint messages.

The adapter lives in mlrepolint.integrations.pylint_plugin; this module is the short name users load.
"""

from mlrepolint.integrations.pylint_plugin import register

__all__ = ["register"]
