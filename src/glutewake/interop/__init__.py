"""What crosses the border: the domain export (versioned), read and written from the records."""
