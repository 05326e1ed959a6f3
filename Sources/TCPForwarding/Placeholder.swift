// TCPForwarding: see Package.swift.
