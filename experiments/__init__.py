"""Running Barrio: the command line, and writing and drawing results."""
