// The app's backend, shared by the Electron main process and `markwright serve`: the service behind
// MarkwrightApi, the SQLite store it keeps layouts and history in, and the loopback HTTP server. Node only.
export * from './backend/index';
export * from './server/index';
export * from './store/index';
