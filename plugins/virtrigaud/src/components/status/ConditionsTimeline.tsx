// Conditions as a readable timeline: newest transition first, each with when it happened, its
// state and the operator's message.
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import HelpIcon from '@material-ui/icons/Help';
import type { Condition } from '@virtrigaud/api';
import { formatRelative } from '../common/time';

function ConditionIcon(props: { status: Condition['status'] }) {
  if (props.status === 'True')
    return <CheckCircleIcon style={{ color: '#2e7d32' }} titleAccess="True" />;
  if (props.status === 'False') return <ErrorIcon color="error" titleAccess="False" />;
  return <HelpIcon color="disabled" titleAccess="Unknown" />;
}

export function ConditionsTimeline(props: { conditions: Condition[]; now?: Date }) {
  if (props.conditions.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No conditions reported yet: the operator has not reconciled this object.
      </Typography>
    );
  }
  const newestFirst = [...props.conditions].sort((a, b) =>
    (b.lastTransitionTime ?? '').localeCompare(a.lastTransitionTime ?? ''),
  );
  return (
    <List dense aria-label="Conditions">
      {newestFirst.map((condition) => (
        <ListItem key={condition.type} disableGutters>
          <ListItemIcon>
            <ConditionIcon status={condition.status} />
          </ListItemIcon>
          <ListItemText
            primary={`${condition.type}: ${condition.status}${condition.reason ? ` (${condition.reason})` : ''}`}
            secondary={[
              condition.message,
              condition.lastTransitionTime
                ? formatRelative(condition.lastTransitionTime, props.now)
                : undefined,
            ]
              .filter(Boolean)
              .join(' · ')}
          />
        </ListItem>
      ))}
    </List>
  );
}
