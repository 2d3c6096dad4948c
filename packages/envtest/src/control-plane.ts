// startRealControlPlane(): etcd + kube-apiserver + kube-controller-manager on free loopback ports,
// with their own PKI, token authentication (an admin in system:masters), a data directory and a
// kubeconfig, ready when it returns; stop() kills every process and removes every file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { etcdBinary, kubeBinary, missingPrerequisite } from './binaries';
import { makeCertificates } from './certificates';
import { freePorts } from './free-ports';
import { startDaemon, type Daemon } from './process-group';

export interface RealControlPlane {
  /** kubeconfig of the admin (system:masters), with the CA and a bearer token. */
  kubeconfigPath: string;
  url: string;
  kc: KubeConfig;
  stop(): Promise<void>;
}

/** Where the ServiceAccount token issuer says tokens come from (the in-cluster API address). */
const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** Service ClusterIPs are only numbers here: no kube-proxy routes them. */
const SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/16';
const CONTROLLERS = [
  'garbagecollector',
  'namespace',
  'deployment',
  'replicaset',
  'endpoint',
  'endpointslice',
  'endpointslicemirroring',
  'serviceaccount',
  'serviceaccount-token',
  'root-ca-cert-publisher',
];
const READY_TIMEOUT_MS = 60_000;
/** How often /readyz is asked while the apiserver starts; it has no other readiness signal. */
const READY_POLL_MS = 100;

// etcd fsyncs every write; on tmpfs that costs nothing, and a test's data is thrown away anyway.
function scratchParent(): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

export async function startRealControlPlane(): Promise<RealControlPlane> {
  const missing = missingPrerequisite();
  if (missing) throw new Error(`cannot start a real kube-apiserver: ${missing}`);
  const [apiserverBinary, controllerManagerBinary] = await Promise.all([
    kubeBinary('kube-apiserver'),
    kubeBinary('kube-controller-manager'),
  ]);
  const dir = fs.mkdtempSync(path.join(scratchParent(), 'virtrigaud-envtest-'));
  const daemons: Daemon[] = [];
  // A test process that ends without stop() still leaves no files behind (the daemons' process
  // groups are killed by their own exit hook).
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  process.on('exit', removeDir);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      // Clients first: a killed etcd would make the apiserver and controller-manager log errors.
      for (const daemon of [...daemons].reverse()) await daemon.stop();
      removeDir();
      process.off('exit', removeDir);
    })());
  try {
    const certs = await makeCertificates(dir);
    const adminToken = crypto.randomBytes(32).toString('hex');
    const controllerManagerToken = crypto.randomBytes(32).toString('hex');
    const tokenFile = path.join(dir, 'tokens.csv');
    fs.writeFileSync(
      tokenFile,
      [
        `${adminToken},admin,admin,"system:masters"`,
        `${controllerManagerToken},system:kube-controller-manager,kube-controller-manager,"system:masters"`,
      ].join('\n') + '\n',
      { mode: 0o600 },
    );
    const [etcdClientPort, etcdPeerPort, securePort] = await freePorts(3);
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const url = `https://127.0.0.1:${securePort}`;

    daemons.push(
      startDaemon(
        'etcd',
        etcdBinary(),
        [
          '--name=envtest',
          `--data-dir=${path.join(dir, 'etcd')}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=${peerUrl}`,
          `--initial-advertise-peer-urls=${peerUrl}`,
          `--initial-cluster=envtest=${peerUrl}`,
        ],
        path.join(dir, 'etcd.log'),
      ),
    );
    const apiserver = startDaemon(
      'kube-apiserver',
      apiserverBinary,
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${securePort}`,
        '--advertise-address=127.0.0.1',
        // With a loopback advertise address the default reconciler logs an error every cycle.
        '--endpoint-reconciler-type=none',
        `--cert-dir=${dir}`,
        `--tls-cert-file=${certs.servingCert}`,
        `--tls-private-key-file=${certs.servingKey}`,
        `--client-ca-file=${certs.caCert}`,
        `--token-auth-file=${tokenFile}`,
        '--authorization-mode=RBAC',
        `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
        `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
        `--service-account-key-file=${certs.serviceAccountPublicKey}`,
        `--service-account-signing-key-file=${certs.serviceAccountPrivateKey}`,
        '--profiling=false',
      ],
      path.join(dir, 'kube-apiserver.log'),
    );
    daemons.push(apiserver);

    const kubeconfigPath = path.join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfigPath, url, certs.caCert, adminToken);
    const controllerManagerKubeconfig = path.join(dir, 'controller-manager.kubeconfig');
    writeKubeconfig(controllerManagerKubeconfig, url, certs.caCert, controllerManagerToken);

    await waitForReadyz(url, fs.readFileSync(certs.caCert), adminToken, daemons);
    daemons.push(
      startDaemon(
        'kube-controller-manager',
        controllerManagerBinary,
        [
          `--kubeconfig=${controllerManagerKubeconfig}`,
          '--leader-elect=false',
          '--secure-port=0',
          `--controllers=${CONTROLLERS.join(',')}`,
          `--service-account-private-key-file=${certs.serviceAccountPrivateKey}`,
          `--root-ca-file=${certs.caCert}`,
          '--use-service-account-credentials=false',
          `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
        ],
        path.join(dir, 'kube-controller-manager.log'),
      ),
    );
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    await waitForDefaultServiceAccount(kc, daemons);
    return { kubeconfigPath, url, kc, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function writeKubeconfig(file: string, server: string, caFile: string, token: string): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'envtest',
        cluster: {
          server,
          'certificate-authority-data': fs.readFileSync(caFile).toString('base64'),
        },
      },
    ],
    users: [{ name: 'envtest', user: { token } }],
    contexts: [{ name: 'envtest', context: { cluster: 'envtest', user: 'envtest' } }],
    'current-context': 'envtest',
  };
  // JSON is YAML: kubectl and client libraries read this file as any kubeconfig.
  fs.writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
}

function failIfExited(daemons: Daemon[]): void {
  const dead = daemons.find((daemon) => daemon.hasExited());
  if (dead) throw new Error(`${dead.name} exited during start; its log ends:\n${dead.logTail()}`);
}

async function waitForReadyz(url: string, ca: Buffer, token: string, daemons: Daemon[]) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    failIfExited(daemons);
    last = await new Promise<string>((resolve) => {
      const request = https.get(
        `${url}/readyz`,
        { ca, headers: { authorization: `Bearer ${token}` }, timeout: 5_000 },
        (response) => {
          response.resume();
          resolve(String(response.statusCode));
        },
      );
      request.on('error', (error) => resolve(error.message));
      request.on('timeout', () => request.destroy(new Error('timed out')));
    });
    if (last === '200') return;
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new Error(`kube-apiserver not ready after ${READY_TIMEOUT_MS} ms (last: ${last})`);
}

// The controller-manager has no health endpoint with --secure-port=0; the ServiceAccount it
// creates in every namespace shows its controllers run (Pods are rejected without it).
async function waitForDefaultServiceAccount(kc: KubeConfig, daemons: Daemon[]) {
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    failIfExited(daemons);
    const found = await core
      .readNamespacedServiceAccount({ name: 'default', namespace: 'default' })
      .then(
        () => true,
        () => false,
      );
    if (found) return;
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new Error(
    `kube-controller-manager created no default ServiceAccount in ${READY_TIMEOUT_MS} ms`,
  );
}
