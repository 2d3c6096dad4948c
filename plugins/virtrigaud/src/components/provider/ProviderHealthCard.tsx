// The health of a hypervisor Provider, live: verdict, hypervisor connection, replicas ready,
// capabilities, and request rate, error rate, latency and VMs by state over the last hour.
import { InfoCard, StatusError, StatusOK, StatusPending } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { ObjectRef, ProviderSummary } from '@virtrigaud/plugin-virtrigaud-common';
import { providerSource } from '../../live/sources';
import { useLiveObject } from '../../live/useLiveObject';
import { CardStates } from '../common/CardStates';
import { Fact } from '../common/Fact';
import { formatRelative } from '../common/time';
import { ConditionsTimeline } from '../status/ConditionsTimeline';
import { HealthStatus } from '../status/HealthStatus';
import { MetricChart, PROVIDER_METRICS } from './MetricChart';
import { VmStateChart } from './VmStateChart';

export function ProviderHealthCard(props: { providerRef: ObjectRef }) {
  const { providerRef } = props;
  const provider = useLiveObject(providerRef, providerSource);
  return (
    <CardStates
      title="Provider health"
      state={provider.state}
      what="provider"
      location={`${providerRef.namespace}/${providerRef.name} in cluster ${providerRef.cluster}`}
      onRetry={provider.reload}
    >
      {(value) => <ProviderDetails provider={value} />}
    </CardStates>
  );
}

function HypervisorConnection(props: { connected: boolean | undefined }) {
  if (props.connected === true) return <StatusOK>Connected</StatusOK>;
  if (props.connected === false) return <StatusError>Disconnected</StatusError>;
  return <StatusPending>Not reported yet</StatusPending>;
}

function ProviderDetails(props: { provider: ProviderSummary }) {
  const { provider } = props;
  const { replicas, metrics } = provider;
  return (
    <InfoCard
      title={`Provider ${provider.name}`}
      subheader={`${provider.type} · ${provider.namespace} · ${provider.cluster}`}
    >
      <Box data-testid="provider-card-ready">
        <HealthStatus health={provider.health} />
      </Box>
      <Box my={2}>
        <Grid container spacing={2}>
          <Fact label="Hypervisor connection">
            <HypervisorConnection connected={provider.hypervisorConnected} />
          </Fact>
          <Fact label="Replicas ready">
            <span data-testid="provider-replicas">{`${replicas.ready} / ${replicas.desired}`}</span>
          </Fact>
          <Fact label="Virtual machines">{provider.vmCount}</Fact>
          <Fact label="Endpoint">{provider.endpoint || 'Not assigned yet'}</Fact>
          <Fact label="Last health check">
            {provider.lastHealthCheck ? formatRelative(provider.lastHealthCheck) : 'Never'}
          </Fact>
          <Fact label="Capabilities">
            {provider.capabilities.length ? (
              <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
                {provider.capabilities.map((capability) => (
                  <Chip key={capability} size="small" label={capability} />
                ))}
              </Box>
            ) : (
              'Not reported yet'
            )}
          </Fact>
        </Grid>
      </Box>
      {metrics.error && (
        <Alert severity="warning">{`Metrics could not be read from the provider: ${metrics.error}`}</Alert>
      )}
      <Grid container spacing={2}>
        {PROVIDER_METRICS.map((metric) => (
          <Grid item xs={12} sm={4} key={metric.title}>
            <MetricChart metric={metric} history={metrics.history} />
          </Grid>
        ))}
        <Grid item xs={12}>
          <VmStateChart history={metrics.history} />
        </Grid>
      </Grid>
      <Typography variant="caption" color="textSecondary" component="div">
        {metrics.source === 'prometheus'
          ? 'Last hour, from Prometheus'
          : 'Last hour, from the portal’s own scrapes'}
      </Typography>
      <Box mt={2}>
        <Typography variant="subtitle2">Conditions</Typography>
        <ConditionsTimeline conditions={provider.conditions} />
      </Box>
    </InfoCard>
  );
}
