"""Field parsers and per-kind rules.

The one place that accepts or refuses a value, from a form, a CSV row, a bundle or a query string.
"""
