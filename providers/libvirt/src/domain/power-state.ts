// libvirt domain states (`virsh domstate`) in the provider's normalised vocabulary.
import type { Description } from '@virtrigaud/provider-sdk';

const STATES: Record<string, Description['powerState']> = {
  running: 'On',
  idle: 'On',
  blocked: 'On',
  'in shutdown': 'On',
  'shut off': 'Off',
  crashed: 'Off',
  paused: 'Suspended',
  pmsuspended: 'Suspended',
};

export function powerState(domstate: string | undefined): Description['powerState'] {
  return (domstate && STATES[domstate]) || 'Unknown';
}

export function isActive(domstate: string | undefined): boolean {
  return domstate !== undefined && domstate !== 'shut off' && domstate !== 'crashed';
}
