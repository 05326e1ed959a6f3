import ComputeEmulator

print("compute-emulator: not built yet")
