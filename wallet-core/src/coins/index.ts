// Filled in by the coins work; see the module's own files.
export {};
