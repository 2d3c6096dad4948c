// Shared by the VirtRigaud frontend and backend plugins: REST API types, the API client, the
// permission definitions and the catalog annotations.
export * from './types';
export * from './permissions';
export * from './entities';
export * from './client';
