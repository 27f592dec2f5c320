"""The computations and workflows behind the views, one package per capability."""
