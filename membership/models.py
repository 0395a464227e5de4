"""Levels, members, applications and payments arrive with the membership issue."""
