"""Twins of the model modules written in SQLAlchemy 2.0's declarative syntax, written the way
SQLAlchemy 1.4 applications declare them (declarative_base() and Column), for the oldest
supported stack. Each declares the same tables as its original, column for column
(test_model_variants.py holds them to that)."""
