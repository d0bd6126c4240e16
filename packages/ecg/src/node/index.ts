// Node-only helpers (file access). The core of @lifeline/ecg stays free of Node APIs.
export * from './wfdb';
