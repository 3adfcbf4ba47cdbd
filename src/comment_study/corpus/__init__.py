"""The export: parse it, find reposts and replies, coarsen places, keep names private."""
