// ArmEmulator: see Package.swift.
