import { OPERATOR_DASHBOARD } from './operator-dashboard';
import { PROVIDER_DASHBOARD } from './provider-dashboard';

export const DASHBOARDS = [PROVIDER_DASHBOARD, OPERATOR_DASHBOARD];
