import { missingPrerequisite } from './binaries';

describe('missingPrerequisite', () => {
  const saved = process.env.VIRTRIGAUD_KUBE_BINARIES;
  afterEach(() => {
    if (saved === undefined) delete process.env.VIRTRIGAUD_KUBE_BINARIES;
    else process.env.VIRTRIGAUD_KUBE_BINARIES = saved;
  });

  it('names the missing binary and the folder it looked in, and how to point elsewhere', () => {
    process.env.VIRTRIGAUD_KUBE_BINARIES = '/nonexistent/kube-binaries';
    expect(missingPrerequisite()).toBe(
      'no kube-apiserver in /nonexistent/kube-binaries (set VIRTRIGAUD_KUBE_BINARIES to a folder with the v1.28.7 binaries)',
    );
  });
});
