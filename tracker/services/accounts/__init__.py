"""Accounts: what admins do to users, and the password policy."""
