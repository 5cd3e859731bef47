export * from './environment';
export * from './lab';
export * from './netns';
export * from './paths';
export * from './run';
export * from './ssh-box';
export * from './temp';
export * from './wait';
