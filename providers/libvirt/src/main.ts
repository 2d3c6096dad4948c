#!/usr/bin/env node
// provider-libvirt: the VirtRigaud provider for libvirt/KVM hosts. Flags, environment, credential
// files (/etc/virtrigaud/credentials/{ssh-privatekey,known_hosts} for qemu+ssh:// endpoints), gRPC,
// metrics and health come from the SDK runtime; this binary contributes the libvirt backend and its
// --libvirt-* flags.
import { runProvider } from '@virtrigaud/provider-sdk';
import { createLibvirtBackend } from './libvirt-backend';
import { LIBVIRT_FLAGS } from './settings';

void runProvider({ type: 'libvirt', createBackend: createLibvirtBackend, flags: LIBVIRT_FLAGS });
