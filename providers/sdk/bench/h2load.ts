// The Describe benchmark's load generator: nghttp2's h2load (Debian package nghttp2-client, installed
// by scripts/ensure-h2load.sh), a C HTTP/2 client that costs a fraction of what the server spends
// per call, so the server is what is measured. A gRPC unary call is an HTTP/2 POST of a
// length-prefixed protobuf message with `content-type: application/grpc` and `te: trailers`; h2load
// sends exactly that, on one connection with `streams` calls in flight, as one grpc-js channel
// would. It checks the HTTP status only (the gRPC status is in the trailers), so the benchmark
// also checks on the server side that every call was answered OK.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DescribeRequest } from '@virtrigaud/proto';

export interface LoadOptions {
  streams: number;
  seconds: number;
  warmupSeconds: number;
  /** CPUs h2load runs on (`taskset -c` list), or undefined to let the kernel place it. */
  cpus?: string;
}

export interface LoadResult {
  /** Latency of every call answered in the measured period (ms), sorted. */
  latenciesMs: number[];
  /** Calls h2load counted as failed, errored or timed out (HTTP level). */
  failed: number;
}

/** One gRPC message frame: compressed flag 0, 4-byte big-endian length, the protobuf bytes. */
function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

function countOf(summary: string, what: string): number {
  const match = new RegExp(`(\\d+) ${what}`).exec(summary);
  if (!match) throw new Error(`h2load printed no "${what}" count:\n${summary}`);
  return Number(match[1]);
}

/** Runs h2load against `address` with Describe(`vmId`) calls and returns what it measured. */
export async function describeLoad(
  address: string,
  vmId: string,
  options: LoadOptions,
): Promise<LoadResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sdk-bench-h2load-'));
  try {
    const body = path.join(dir, 'describe.grpc');
    const log = path.join(dir, 'requests.tsv');
    writeFileSync(
      body,
      grpcFrame(DescribeRequest.encode(DescribeRequest.fromPartial({ id: vmId })).finish()),
    );
    const h2load = [
      'h2load',
      ...['--clients=1', `--max-concurrent-streams=${options.streams}`],
      ...[`--duration=${options.seconds}`, `--warm-up-time=${options.warmupSeconds}`],
      ...[`--data=${body}`, `--log-file=${log}`],
      ...['--header=content-type: application/grpc', '--header=te: trailers'],
      ...['--header=grpc-timeout: 5S', '--header=x-correlation-id: bench'],
      `http://${address}/provider.v1.Provider/Describe`,
    ];
    const [command, ...args] = options.cpus ? ['taskset', '-c', options.cpus, ...h2load] : h2load;
    const { stdout } = await promisify(execFile)(command, args, { encoding: 'utf8' });
    // The log has one line per call of the measured period: start (µs since epoch), HTTP status,
    // time to the end of the response (µs).
    const latenciesMs = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => Number(line.split('\t')[2]) / 1000)
      .sort((a, b) => a - b);
    const failed = ['failed', 'errored', 'timeout'].reduce((sum, w) => sum + countOf(stdout, w), 0);
    return { latenciesMs, failed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
