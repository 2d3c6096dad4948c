// VMs as a table; each name links to the VM's catalog entity page.
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import type { VmSummary } from '@virtrigaud/plugin-virtrigaud-common';
import { entityNameParts } from '../../catalog';
import { HealthStatus } from '../status/HealthStatus';
import { PowerStateBadge } from '../status/PowerStateBadge';

export type VmColumn = 'namespace' | 'provider' | 'owner' | 'cluster';

const useStyles = makeStyles({
  // Names, phases and IPs read badly when wrapped mid-word; the table scrolls instead.
  table: { '& th, & td': { whiteSpace: 'nowrap' } },
});

export function VmTable(props: { vms: VmSummary[]; hide?: VmColumn[] }) {
  const entityRoute = useRouteRef(entityRouteRef);
  const classes = useStyles();
  const shown = (column: VmColumn) => !props.hide?.includes(column);
  return (
    <Box overflow="auto">
      <Table size="small" aria-label="Virtual machines" className={classes.table}>
        <TableHead>
          <TableRow>
            <TableCell>Name</TableCell>
            {shown('namespace') && <TableCell>Namespace</TableCell>}
            {shown('cluster') && <TableCell>Cluster</TableCell>}
            <TableCell>Power</TableCell>
            <TableCell>Phase</TableCell>
            <TableCell>IP addresses</TableCell>
            {shown('provider') && <TableCell>Provider</TableCell>}
            {shown('owner') && <TableCell>Owner</TableCell>}
            <TableCell>Health</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.vms.map((vm) => (
            <TableRow key={`${vm.cluster}/${vm.namespace}/${vm.name}`} data-testid="vm-row">
              <TableCell>
                <Link to={entityRoute(entityNameParts(vm))}>{vm.name}</Link>
              </TableCell>
              {shown('namespace') && <TableCell>{vm.namespace}</TableCell>}
              {shown('cluster') && <TableCell>{vm.cluster}</TableCell>}
              <TableCell>
                <PowerStateBadge vm={vm} size="small" />
              </TableCell>
              <TableCell>{vm.phase ?? 'Pending'}</TableCell>
              <TableCell>{vm.ips.join(', ') || '–'}</TableCell>
              {shown('provider') && <TableCell>{vm.provider}</TableCell>}
              {shown('owner') && <TableCell>{vm.owner ?? '–'}</TableCell>}
              <TableCell>
                <HealthStatus health={vm.health} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}
