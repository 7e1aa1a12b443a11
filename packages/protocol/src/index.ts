export * from './channels.js';
export * from './errors.js';
export * from './frames.js';
export * from './task-event-schema.js';
export * from './task-reducer.js';
export * from './task-state.js';
