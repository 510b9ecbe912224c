"""Rules that know ML code: unsafe deserialization, training-loop mistakes, leakage, NaN checks."""
