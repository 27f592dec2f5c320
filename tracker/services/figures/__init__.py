"""What viewers see and how it is computed.

Visibility of published data, progress, exchange ratio, pace and projection, the implementation
score, violence aggregation, and the wording of figures in sentences.
"""
