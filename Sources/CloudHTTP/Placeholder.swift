// CloudHTTP: see Package.swift.
