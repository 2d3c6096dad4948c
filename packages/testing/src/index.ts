export { describeOrReportNotRun, NOT_RUN } from './describe-or-report-not-run';
export { eventually, type EventuallyOptions } from './eventually';
