// What a card shows while its data is not there: loading, an error with what to do, or the
// object gone. Shared by the VM and Provider cards.
import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import type { ReactNode } from 'react';
import type { LiveObjectState } from '../../live/useLiveObject';

export function CardStates<T>(props: {
  title: string;
  state: LiveObjectState<T>;
  what: string;
  location: string;
  onRetry: () => void;
  children: (value: T) => ReactNode;
}) {
  const { state, title } = props;
  if (state.status === 'ready') return <>{props.children(state.value)}</>;
  return (
    <InfoCard title={title}>
      {state.status === 'loading' && <Progress aria-label={`Loading ${props.what}`} />}
      {state.status === 'error' && (
        <Alert
          severity="error"
          action={
            <Button color="inherit" onClick={props.onRetry}>
              Retry
            </Button>
          }
        >
          {`Could not load the ${props.what} ${props.location} from the VirtRigaud backend: ${state.error.message}. `}
          Check that the Backstage backend runs with the VirtRigaud plugin and that this cluster is
          configured under virtrigaud.clusters (or kubernetes.clusterLocatorMethods) in
          app-config.yaml, then retry.
        </Alert>
      )}
      {state.status === 'missing' && (
        <EmptyState
          missing="data"
          title={`The ${props.what} ${props.location} does not exist`}
          description={`It was deleted, or the catalog entry is out of date. Deleted objects leave the catalog within moments; if this one stays, check the catalog module's logs.`}
        />
      )}
    </InfoCard>
  );
}
