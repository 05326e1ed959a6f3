// AzureAuth: see Package.swift.
