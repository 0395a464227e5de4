"""Member deals arrive with the deals issue."""
