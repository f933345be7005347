"""Search over the glossary."""
