export * from './host-key';
export * from './remote-cli';
export * from './remote-client';
export * from './remote-shell';
export * from './ssh-session';
