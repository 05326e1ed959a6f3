// AzureProvider: see Package.swift.
