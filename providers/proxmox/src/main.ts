#!/usr/bin/env node
// provider-proxmox: the VirtRigaud provider for Proxmox VE. Flags, environment, credential files
// (/etc/virtrigaud/credentials/{token_id,token_secret} or {username,password}), gRPC, metrics and
// health come from the SDK runtime; this binary only contributes the Proxmox backend, which
// checks at startup that one of the two credential pairs is present.
import { runProvider } from '@virtrigaud/provider-sdk';
import { createProxmoxBackend } from './backend/proxmox-backend';

void runProvider({ type: 'proxmox', createBackend: createProxmoxBackend });
