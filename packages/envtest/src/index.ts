export { startRealControlPlane, type RealControlPlane } from './control-plane';
export { missingPrerequisite, KUBE_VERSION } from './binaries';
export {
  startTestServer,
  testServerKind,
  TEST_SERVER_KINDS,
  type TestServer,
  type TestServerKind,
} from './test-server';
export { describeOnRealControlPlane, NOT_RUN_PREFIX } from './not-run';
