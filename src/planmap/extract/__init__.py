"""Finding the projects a plan names, with their evidence."""
