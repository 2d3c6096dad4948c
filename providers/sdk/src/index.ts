export * from './backend';
export * from './errors';
