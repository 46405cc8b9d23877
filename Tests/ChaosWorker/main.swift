import ImproveCore

print("chaos worker: not built yet")
