// Runs one command against a fresh real control plane:
//   node packages/envtest/dist/with-control-plane.js COMMAND [ARGS...]
// starts etcd + kube-apiserver + kube-controller-manager, runs COMMAND with KUBECONFIG and
// KUBECONFIG_UNDER_TEST naming the admin kubeconfig, stops the control plane and exits with
// COMMAND's status. scripts/test.sh runs the devcluster's conformance suites this way, so the very
// same tests (which read KUBECONFIG_UNDER_TEST) run on both servers.
import { spawn } from 'node:child_process';
import { startRealControlPlane } from './control-plane';

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command) throw new Error('usage: with-control-plane COMMAND [ARGS...]');
  const plane = await startRealControlPlane();
  try {
    const child = spawn(command, args, {
      stdio: 'inherit',
      env: {
        ...process.env,
        KUBECONFIG: plane.kubeconfigPath,
        KUBECONFIG_UNDER_TEST: plane.kubeconfigPath,
      },
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await plane.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`with-control-plane: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
