"""A process page's charts.

Assembly of each chart's figure, table, caption and CSV rows, and the Plotly figure builders.
"""
