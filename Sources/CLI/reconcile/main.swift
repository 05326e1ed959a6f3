import ReconcileCommands

// The executable is only the entry point; everything lives in ReconcileCommands.
await ReconcileMain.run()
