#!/usr/bin/env node
// provider-mock: the mock hypervisor behind the provider runtime, with the seed's flags plus the
// mock's own (--mock-task-latency, --mock-call-latency, --mock-error-rate, --mock-hypervisor-down,
// --mock-state-dir, --mock-disable, --mock-connection-concurrency; each also as MOCK_* environment).
import { runProvider } from '@virtrigaud/provider-sdk';
import { mockBackendFactory } from './create-mock-backend';
import { MOCK_FLAGS } from './mock-options';

void runProvider({ type: 'mock', createBackend: mockBackendFactory(), flags: MOCK_FLAGS });
