// Table columns of a custom resource: NAME plus its additionalPrinterColumns (or AGE when it
// declares none), with `date` columns shown as ages, as the real server prints them.
import { age, column, defaultPrinter, humanDuration } from '../api/printers';
import type { Printer } from '../api/resource-type';
import { evaluateJsonPath } from '../util/jsonpath';

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

function cell(values: unknown[], type: string, now: number): unknown {
  if (values.length === 0) return null;
  const value = values[0];
  if (type === 'date' && typeof value === 'string') return humanDuration(now - Date.parse(value));
  if (values.length > 1)
    return values.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return value;
}

export function crdPrinter(columns: PrinterColumn[] | undefined): Printer {
  if (!columns?.length) return defaultPrinter;
  return {
    columns: [
      column('Name', 'string', 'Name must be unique within a namespace.'),
      ...columns.map((c) => ({
        ...column(c.name, c.type, c.description ?? '', c.priority ?? 0),
        format: c.format ?? '',
      })),
    ],
    cells: (object, now) => [
      object.metadata.name,
      ...columns.map((c) =>
        c.jsonPath === '.metadata.creationTimestamp' && c.type === 'date'
          ? age(object, now)
          : cell(evaluateJsonPath(object, c.jsonPath), c.type, now),
      ),
    ],
  };
}
