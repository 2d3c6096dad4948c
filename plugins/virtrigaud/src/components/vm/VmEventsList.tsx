// Recent Kubernetes events of a VM, newest first; reloaded whenever the VM changes.
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { ObjectRef } from '@virtrigaud/plugin-virtrigaud-common';
import useAsyncRetry from 'react-use/lib/useAsyncRetry';
import { virtrigaudApiRef } from '../../api';
import { formatRelative } from '../common/time';

const SHOWN_EVENTS = 10;

export function VmEventsList(props: { vmRef: ObjectRef; version: string }) {
  const api = useApi(virtrigaudApiRef);
  const { cluster, namespace, name } = props.vmRef;
  const events = useAsyncRetry(
    () => api.getVmEvents({ cluster, namespace, name }),
    [api, cluster, namespace, name, props.version],
  );

  if (events.loading && !events.value) return <Progress />;
  if (events.error) {
    return (
      <Alert
        severity="warning"
        action={<Button onClick={events.retry}>Retry</Button>}
      >{`Could not load events: ${events.error.message}`}</Alert>
    );
  }
  const items = events.value?.items ?? [];
  if (items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No events recorded for this virtual machine yet.
      </Typography>
    );
  }
  return (
    <List dense aria-label="Recent events">
      {items.slice(0, SHOWN_EVENTS).map((event, index) => (
        <ListItem key={`${event.reason}-${event.lastTimestamp}-${index}`} disableGutters>
          <ListItemText
            primary={`${event.type === 'Warning' ? '⚠ ' : ''}${event.reason}: ${event.message}`}
            secondary={[
              event.lastTimestamp ? formatRelative(event.lastTimestamp) : undefined,
              event.count > 1 ? `${event.count} times` : undefined,
            ]
              .filter(Boolean)
              .join(' · ')}
          />
        </ListItem>
      ))}
    </List>
  );
}
