// The actions a VM card offers, and what each one asks before it runs.
import {
  POWER_ACTIONS,
  type PowerAction,
  type VmSummary,
} from '@virtrigaud/plugin-virtrigaud-common';
import type { ConfirmRequest } from '../common/ConfirmDialog';

export type VmAction = PowerAction | 'delete';

const POWER_ACTION_TEXT: Record<PowerAction, { label: string; effect: string }> = {
  on: { label: 'Power on', effect: 'starts the virtual machine' },
  off: {
    label: 'Power off',
    effect: 'cuts the power immediately, like pulling the plug; unsaved guest data is lost',
  },
  shutdown: {
    label: 'Shut down',
    effect: 'asks the guest OS to shut down, and powers it off if it does not in time',
  },
  reboot: {
    label: 'Reboot',
    effect: 'restarts the running virtual machine once; the guest is unavailable while it boots',
  },
};

export function actionLabel(action: VmAction): string {
  return action === 'delete' ? 'Delete' : POWER_ACTION_TEXT[action].label;
}

/**
 * Power actions that make sense now: on when it is (going) off, off/shutdown when (going) on,
 * reboot only when it runs and should (the operator does not reboot a VM that is off).
 */
export function applicablePowerActions(vm: VmSummary): PowerAction[] {
  if (vm.deleting) return [];
  const wantsOn = vm.desiredPowerState === 'On';
  return POWER_ACTIONS.filter((action) => {
    if (action === 'on') return !wantsOn;
    if (action === 'reboot') return wantsOn && vm.powerState === 'On';
    return wantsOn;
  });
}

export function confirmationFor(action: VmAction, vm: VmSummary): ConfirmRequest {
  if (action === 'delete') {
    return {
      title: `Delete ${vm.name}?`,
      body: `This deletes the virtual machine ${vm.namespace}/${vm.name} and its disks on provider ${vm.provider}. It cannot be undone.`,
      confirmLabel: 'Delete',
      destructive: true,
    };
  }
  const text = POWER_ACTION_TEXT[action];
  return {
    title: `${text.label} ${vm.name}?`,
    body: `${text.label} ${text.effect}.`,
    confirmLabel: text.label,
    destructive: action === 'off',
  };
}
