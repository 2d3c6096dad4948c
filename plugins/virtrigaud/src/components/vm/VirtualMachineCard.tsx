// Everything a developer wants to know about one VM, live: power state, phase, health, IPs,
// what it is made of, its console, conditions and events, and the actions they may take.
import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Divider from '@material-ui/core/Divider';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type { ObjectRef, VmDetail } from '@virtrigaud/plugin-virtrigaud-common';
import type { ReactNode } from 'react';
import { virtrigaudApiRef } from '../../api';
import { entityRefOf } from '../../catalog';
import { vmSource } from '../../live/sources';
import { useLiveObject } from '../../live/useLiveObject';
import { CardStates } from '../common/CardStates';
import { Fact } from '../common/Fact';
import { ConditionsTimeline } from '../status/ConditionsTimeline';
import { HealthStatus } from '../status/HealthStatus';
import { PowerStateBadge } from '../status/PowerStateBadge';
import { VmActions } from './VmActions';
import type { VmAction } from './vmActions';
import { VmEventsList } from './VmEventsList';
import { VmTimeline } from './VmTimeline';

export function VirtualMachineCard(props: { vmRef: ObjectRef }) {
  const api = useApi(virtrigaudApiRef);
  const { vmRef } = props;
  const vm = useLiveObject(vmRef, vmSource);

  const runAction = async (action: VmAction) => {
    if (action === 'delete') {
      await api.deleteVm(vmRef);
      vm.replace((current) => ({ ...current, deleting: true }));
    } else {
      const updated = await api.powerVm(vmRef, action);
      vm.replace((current) => ({ ...current, ...updated }));
    }
  };

  return (
    <CardStates
      title="Virtual machine"
      state={vm.state}
      what="virtual machine"
      location={`${vmRef.namespace}/${vmRef.name} in cluster ${vmRef.cluster}`}
      onRetry={vm.reload}
    >
      {(value) => <VmDetails vm={value} onAction={runAction} />}
    </CardStates>
  );
}

function VmDetails(props: { vm: VmDetail; onAction: (action: VmAction) => Promise<void> }) {
  const { vm } = props;
  return (
    <InfoCard title={`Virtual machine ${vm.name}`} subheader={`${vm.namespace} · ${vm.cluster}`}>
      <Box
        data-testid="vm-card-ready"
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        style={{ gap: 12 }}
      >
        <PowerStateBadge vm={vm} />
        <Chip data-testid="vm-phase" variant="outlined" label={`Phase: ${vm.phase ?? 'Pending'}`} />
        <HealthStatus health={vm.health} />
      </Box>
      <Box my={2}>
        <Grid container spacing={2}>
          <Fact label="IP addresses">
            {vm.ips.length ? vm.ips.join(', ') : 'None reported yet'}
          </Fact>
          <Fact label="Class">{vm.className}</Fact>
          <Fact label="Image">{vm.imageName}</Fact>
          <Fact label="Provider">
            <EntityRefLink
              entityRef={entityRefOf({ ...vm, name: vm.provider })}
              title={vm.provider}
            />
          </Fact>
          <Fact label="Console">
            {vm.consoleURL ? (
              <Link to={vm.consoleURL} target="_blank" rel="noopener noreferrer">
                Open console
              </Link>
            ) : (
              'Not available'
            )}
          </Fact>
          <Fact label="Hypervisor ID">{vm.hypervisorId ?? 'Not created yet'}</Fact>
        </Grid>
      </Box>
      <VmActions vm={vm} onAction={props.onAction} />
      <Section title="Phase and power">
        <VmTimeline timeline={vm.timeline} />
      </Section>
      <Section title="Conditions">
        <ConditionsTimeline conditions={vm.conditions} />
      </Section>
      <Section title="Recent events">
        <VmEventsList vmRef={vm} version={vm.resourceVersion} />
      </Section>
    </InfoCard>
  );
}

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box mt={2}>
      <Divider />
      <Box mt={1}>
        <Typography variant="subtitle2">{props.title}</Typography>
        {props.children}
      </Box>
    </Box>
  );
}
