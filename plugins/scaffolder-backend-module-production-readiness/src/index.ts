// Scaffolder actions of Production Readiness: in progress.
export {};
