"""Shipped scenario files (base.toml, ai.toml) and the calculators' defaults."""
