// A health verdict with its reason, using Backstage's status indicators.
import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import type { Health } from '@virtrigaud/plugin-virtrigaud-common';

const INDICATORS = {
  healthy: StatusOK,
  progressing: StatusPending,
  degraded: StatusWarning,
  unhealthy: StatusError,
  unknown: StatusAborted,
} as const;

const WORDS = {
  healthy: 'Healthy',
  progressing: 'Progressing',
  degraded: 'Degraded',
  unhealthy: 'Unhealthy',
  unknown: 'Unknown',
} as const;

export function HealthStatus(props: { health: Health }) {
  const Indicator = INDICATORS[props.health.level] ?? StatusAborted;
  const word = WORDS[props.health.level] ?? props.health.level;
  return (
    <span data-testid="health-status" data-health={props.health.level}>
      <Indicator>
        {word}
        {props.health.reason ? `: ${props.health.reason}` : ''}
      </Indicator>
    </span>
  );
}
