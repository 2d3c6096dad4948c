// `kubectl logs`: serves a container's log file (tailLines, follow).
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import { badRequest, notFound } from '../api/errors';
import type { StoredObject } from '../api/types';
import type { PodWorker } from './pod-worker';

export function serveLogs(
  worker: PodWorker | undefined,
  pod: StoredObject,
  query: URLSearchParams,
  res: ServerResponse,
): void {
  const names = worker?.containerNames() ?? [];
  const container = query.get('container') ?? (names.length === 1 ? names[0] : undefined);
  if (!worker) throw notFound({ resource: 'pods/log', group: '' }, pod.metadata.name);
  if (!container)
    throw badRequest(
      `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`,
    );
  if (!names.includes(container))
    throw badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
  const file = worker.logFile(container);
  const content = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const tail = Number(query.get('tailLines') ?? NaN);
  const lines = content.split('\n');
  const shown =
    Number.isInteger(tail) && tail >= 0
      ? lines.slice(Math.max(0, lines.length - 1 - tail)).join('\n')
      : content;
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.write(shown);
  if (query.get('follow') !== 'true') return void res.end();
  let offset = Buffer.byteLength(content);
  const poll = setInterval(() => {
    if (!fs.existsSync(file)) return;
    const size = fs.statSync(file).size;
    if (size <= offset) return;
    const stream = fs.createReadStream(file, { start: offset, end: size - 1 });
    offset = size;
    stream.pipe(res, { end: false });
  }, 200);
  res.on('close', () => clearInterval(poll));
}
