// The JSONPath subset used by CRD printer columns and scale subresource paths:
// `.a.b`, `.a[0]`, `.a[*].b`, `.a[?(@.type=="Ready")].status`, `.a['b.c']`.

type Step =
  | { field: string }
  | { index: number }
  | { all: true }
  | { filter: { path: string[]; value: string } };

function parsePath(expression: string): Step[] {
  const steps: Step[] = [];
  const text = expression.replace(/^\{|\}$/g, '').replace(/^\$/, '');
  const pattern =
    /\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\[\*\]|\['([^']+)'\]|\[\?\(@\.([A-Za-z0-9_.]+)\s*==\s*["']([^"']*)["']\)\]/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text))) {
    if (match[1] !== undefined) steps.push({ field: match[1] });
    else if (match[2] !== undefined) steps.push({ index: Number(match[2]) });
    else if (match[3] !== undefined) steps.push({ field: match[3] });
    else if (match[4] !== undefined)
      steps.push({ filter: { path: match[4].split('.'), value: match[5] } });
    else steps.push({ all: true });
    if (pattern.lastIndex === text.length) break;
  }
  if (pattern.lastIndex !== text.length && text.length > 0)
    throw new Error(`unsupported JSONPath: ${expression}`);
  return steps;
}

function child(value: unknown, key: string | number): unknown {
  return value !== null && typeof value === 'object'
    ? (value as Record<string | number, unknown>)[key]
    : undefined;
}

/** Every value the path selects (an empty list when nothing matches). */
export function evaluateJsonPath(object: unknown, expression: string): unknown[] {
  let current: unknown[] = [object];
  for (const step of parsePath(expression)) {
    const next: unknown[] = [];
    for (const value of current) {
      if ('field' in step) next.push(child(value, step.field));
      else if ('index' in step) next.push(child(value, step.index));
      else if (Array.isArray(value)) {
        if ('all' in step) next.push(...value);
        else
          next.push(
            ...value.filter(
              (item) => String(step.filter.path.reduce<unknown>(child, item)) === step.filter.value,
            ),
          );
      }
    }
    current = next.filter((v) => v !== undefined);
  }
  return current;
}

export function isValidJsonPath(expression: string): boolean {
  try {
    parsePath(expression);
    return true;
  } catch {
    return false;
  }
}
