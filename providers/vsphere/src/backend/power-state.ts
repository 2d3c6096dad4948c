// vSphere power states in the provider's vocabulary.
import type { Description } from '@virtrigaud/provider-sdk';

export function powerState(value: string | undefined): Description['powerState'] {
  switch (value) {
    case 'poweredOn':
      return 'On';
    case 'poweredOff':
      return 'Off';
    case 'suspended':
      return 'Suspended';
    default:
      return 'Unknown';
  }
}
