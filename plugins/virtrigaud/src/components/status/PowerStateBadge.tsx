// The power state as a coloured badge. While the VM is on its way to another state (the spec
// asks for On but the hypervisor still reports Off, say) the badge says so, so that a click on
// "Power off" shows an immediate, honest change: "Powering off…" until the provider confirms.
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import type { VmSummary } from '@virtrigaud/plugin-virtrigaud-common';

const useStyles = makeStyles((theme) => ({
  on: { backgroundColor: theme.palette.success.main, color: theme.palette.success.contrastText },
  off: { backgroundColor: theme.palette.grey[600], color: theme.palette.common.white },
  transition: { backgroundColor: theme.palette.info.main, color: theme.palette.info.contrastText },
  unknown: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
}));

type Tone = keyof ReturnType<typeof useStyles>;

type PowerView = Pick<VmSummary, 'powerState' | 'desiredPowerState' | 'deleting' | 'rebooting'>;

export function powerStateLabel(vm: PowerView): {
  label: string;
  tone: Tone;
} {
  if (vm.deleting) return { label: 'Deleting…', tone: 'transition' };
  const wantsOn = vm.desiredPowerState === 'On';
  if (vm.powerState === 'On' && !wantsOn) {
    return {
      label: vm.desiredPowerState === 'OffGraceful' ? 'Shutting down…' : 'Powering off…',
      tone: 'transition',
    };
  }
  if (vm.powerState === 'Off' && wantsOn) return { label: 'Powering on…', tone: 'transition' };
  if (vm.powerState === 'On' && vm.rebooting) return { label: 'Rebooting…', tone: 'transition' };
  if (vm.powerState === 'On') return { label: 'Powered on', tone: 'on' };
  if (vm.powerState === 'Off') return { label: 'Powered off', tone: 'off' };
  return { label: 'Power state unknown', tone: 'unknown' };
}

export function PowerStateBadge(props: { vm: PowerView; size?: 'small' | 'medium' }) {
  const classes = useStyles();
  const { label, tone } = powerStateLabel(props.vm);
  return (
    <Chip
      data-testid="power-state-badge"
      data-power-state={props.vm.powerState}
      className={classes[tone]}
      label={label}
      size={props.size ?? 'medium'}
    />
  );
}
