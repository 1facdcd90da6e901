"""The quiz's answer bar."""
