export * from './errors.js';
export * from './kernel/index.js';
