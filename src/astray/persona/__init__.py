"""Persona vectors: extract a trait's direction, monitor with it, steer with it, screen data with it."""
