"""Researchers' writes.

Saving with rules and warnings, review and publishing, history, the audit trail, record lists.
"""
