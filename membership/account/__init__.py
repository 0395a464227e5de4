"""The member account area (/account/): everything a member's contacts do for themselves."""
