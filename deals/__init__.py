"""Member deals: offers from member businesses to other members or to everyone."""
