"""Directory listings (Category, Business, DirectoryPage) arrive with the directory issue."""
