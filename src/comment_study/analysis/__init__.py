"""The analyses: counts and comparisons of the coded comments, the conversation, and the computational lenses."""
