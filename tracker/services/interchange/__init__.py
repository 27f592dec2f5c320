"""Data in and out.

The CSV format and its one writer, CSV and bundle imports and exports, record writers, uploads,
the import log.
"""
