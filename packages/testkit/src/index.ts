export * from './lab';
export * from './netns';
export * from './run';
export * from './wait';
