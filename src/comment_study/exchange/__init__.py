"""Exchange formats: the study written for other programs (REFI-QDA)."""
