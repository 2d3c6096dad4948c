// A real Prometheus (Debian's package) for tests: its own temp data dir, a free loopback port,
// static scrape targets, the VirtRigaud alert rules; stopped by stop(), which tests call in their
// afterAll. Queries go through its HTTP API.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '@virtrigaud/testing';
import YAML from 'yaml';
import { rulesFile } from '../alert-rules';
import { PROMETHEUS } from './prometheus-binaries';

export interface ScrapeJob {
  job: string;
  target: string;
  labels: Record<string, string>;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class PrometheusServer {
  private constructor(
    private readonly process: ChildProcess,
    private readonly dir: string,
    readonly url: string,
    private readonly log: () => string,
  ) {}

  /**
   * Scrapes and evaluates every second; every alert's `for:` is `alertFor`, so a fault fires an
   * alert within seconds.
   */
  static async start(jobs: ScrapeJob[], alertFor: string): Promise<PrometheusServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prometheus-'));
    fs.writeFileSync(
      path.join(dir, 'rules.yaml'),
      YAML.stringify(rulesFile({ forOverride: alertFor })),
    );
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      YAML.stringify({
        global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
        rule_files: ['rules.yaml'],
        scrape_configs: jobs.map((j) => ({
          job_name: j.job,
          static_configs: [{ targets: [j.target], labels: j.labels }],
        })),
      }),
    );
    const address = `127.0.0.1:${await freeLoopbackPort()}`;
    const child = spawn(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=${address}`,
        '--log.level=warn',
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    const server = new PrometheusServer(child, dir, `http://${address}`, () => log);
    try {
      // Prometheus has no readiness notification other than /-/ready.
      await eventually(
        'Prometheus ready',
        async () => {
          if (child.exitCode !== null) throw new Error(`prometheus exited: ${log}`);
          return (await fetch(`${server.url}/-/ready`)).ok;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  async query(expr: string): Promise<PromSample[]> {
    const response = await fetch(
      `${this.url}/api/v1/query?${new URLSearchParams({ query: expr })}`,
    );
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data: { result: PromSample[] };
    };
    if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
    return body.data.result;
  }

  async alerts(): Promise<PromAlert[]> {
    const response = await fetch(`${this.url}/api/v1/alerts`);
    return ((await response.json()) as { data: { alerts: PromAlert[] } }).data.alerts;
  }

  get recentLog(): string {
    return this.log();
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
