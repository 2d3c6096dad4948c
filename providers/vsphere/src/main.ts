#!/usr/bin/env node
// provider-vsphere: the VirtRigaud provider for vCenter/ESXi. Flags, environment, credential files
// (/etc/virtrigaud/credentials/{username,password}), gRPC, metrics and health come from the SDK
// runtime; this binary only contributes the vim25 backend.
import { runProvider } from '@virtrigaud/provider-sdk';
import { createVSphereBackend } from './backend/vsphere-backend';

void runProvider({
  type: 'vsphere',
  createBackend: createVSphereBackend,
  requiredCredentials: ['username', 'password'],
});
