// The VMs a Provider hosts, live.
import { InfoCard, Progress } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { ObjectRef } from '@virtrigaud/plugin-virtrigaud-common';
import { useMemo } from 'react';
import { useVmList } from '../../live/useVmList';
import { VmTable } from '../list/VmTable';

const SHOWN_VMS = 100;

export function ProviderVmsCard(props: { providerRef: ObjectRef }) {
  const { cluster, namespace, name } = props.providerRef;
  const query = useMemo(
    () => ({ cluster, namespace, provider: name, limit: SHOWN_VMS, sort: 'name' as const }),
    [cluster, namespace, name],
  );
  const list = useVmList(query);
  const total = list.page?.totalCount ?? 0;
  return (
    <InfoCard
      title="Virtual machines on this provider"
      subheader={list.page ? `${total} in ${namespace}` : undefined}
    >
      {list.loading && <Progress aria-label="Loading virtual machines" />}
      {list.error && (
        <Alert severity="error" action={<Button onClick={list.reload}>Retry</Button>}>
          {`Could not list the virtual machines of this provider: ${list.error.message}`}
        </Alert>
      )}
      {list.page && total === 0 && (
        <Typography variant="body2" color="textSecondary">
          {`No virtual machines use provider ${name} yet. Create one with the "New virtual machine" template.`}
        </Typography>
      )}
      {list.page && total > 0 && (
        <VmTable vms={list.page.items} hide={['provider', 'namespace', 'cluster']} />
      )}
      {total > SHOWN_VMS && (
        <Typography variant="caption" color="textSecondary">
          {`Showing the first ${SHOWN_VMS} of ${total}; the Virtual machines page lists all of them.`}
        </Typography>
      )}
    </InfoCard>
  );
}
