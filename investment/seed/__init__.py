"""Package data of the demo seed (see README.md here for sources and licences)."""
