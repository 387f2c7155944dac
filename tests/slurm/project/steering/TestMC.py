# Steering stub: the test's fake basf2 only records its environment.
