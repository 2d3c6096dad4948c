// The one place that says how a power action is written to a VirtualMachine, shared by the REST
// API and the scaffolder action: on/off/shutdown set spec.powerState; reboot stamps the
// reboot-requested-at annotation with the current time, a new value the operator answers with
// exactly one reboot.
import { REBOOT_REQUESTED_ANNOTATION } from '@virtrigaud/api';
import {
  POWER_ACTION_STATES,
  type DesiredPowerState,
  type PowerAction,
} from '@virtrigaud/plugin-virtrigaud-common';

export type PowerActionPatch =
  | { spec: { powerState: DesiredPowerState } }
  | { metadata: { annotations: Record<string, string> } };

/** The JSON merge patch of a VirtualMachine that performs `action`. */
export function powerActionPatch(action: PowerAction, now: Date = new Date()): PowerActionPatch {
  return action === 'reboot'
    ? { metadata: { annotations: { [REBOOT_REQUESTED_ANNOTATION]: now.toISOString() } } }
    : { spec: { powerState: POWER_ACTION_STATES[action] } };
}
