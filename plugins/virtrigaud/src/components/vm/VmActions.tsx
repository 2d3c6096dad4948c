// Power and delete buttons of a VM. Each is shown only when the permission framework allows the
// signed-in user that action on this VM, and runs only after confirmation.
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import {
  virtrigaudVmDeletePermission,
  virtrigaudVmPowerPermission,
  vmResourceRef,
  type VmSummary,
} from '@virtrigaud/plugin-virtrigaud-common';
import { useState } from 'react';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { actionLabel, applicablePowerActions, confirmationFor, type VmAction } from './vmActions';

export function VmActions(props: {
  vm: VmSummary;
  /** Runs a confirmed action; rejects with an error to show. */
  onAction: (action: VmAction) => Promise<void>;
}) {
  const { vm } = props;
  const resourceRef = vmResourceRef(vm);
  const power = usePermission({ permission: virtrigaudVmPowerPermission, resourceRef });
  const remove = usePermission({ permission: virtrigaudVmDeletePermission, resourceRef });
  const [pending, setPending] = useState<VmAction | undefined>();
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<Error | undefined>();

  const actions: VmAction[] = [
    ...(power.allowed ? applicablePowerActions(vm) : []),
    ...(remove.allowed && !vm.deleting ? (['delete'] as const) : []),
  ];

  const confirm = async () => {
    const action = pending;
    setPending(undefined);
    if (!action) return;
    setRunning(true);
    setError(undefined);
    try {
      await props.onAction(action);
    } catch (e) {
      setError(e as Error);
    } finally {
      setRunning(false);
    }
  };

  if (actions.length === 0 && !error) return null;
  return (
    <Box>
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        {actions.map((action) => (
          <Button
            key={action}
            variant="outlined"
            color={action === 'delete' ? 'secondary' : 'primary'}
            disabled={running}
            onClick={() => setPending(action)}
          >
            {actionLabel(action)}
          </Button>
        ))}
      </Box>
      {error && (
        <Box mt={1}>
          <Alert severity="error" onClose={() => setError(undefined)}>
            {error.message}
          </Alert>
        </Box>
      )}
      <ConfirmDialog
        request={pending ? confirmationFor(pending, vm) : undefined}
        onConfirm={confirm}
        onCancel={() => setPending(undefined)}
      />
    </Box>
  );
}
