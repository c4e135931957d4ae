// Filled in by the red-envelopes work; see the module's own files.
export {};
