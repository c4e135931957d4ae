// Filled in by the qr work; see the module's own files.
export {};
