"""Results to what people and scripts read: JSON and CSV, Rich tables, explanations, messages."""
