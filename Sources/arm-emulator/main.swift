print("arm-emulator: not yet")
