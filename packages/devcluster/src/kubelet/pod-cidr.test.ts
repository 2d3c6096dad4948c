// Pod CIDRs: what the kubelet accepts, and which addresses are the node's and the pods'. (Adding
// addresses to `lo` is covered by tests/real-node-agent.test.ts, inside a network namespace.)
import { notOwnNetworkNamespace, parseCidr, PodCidrNetwork } from './pod-cidr';

describe('pod CIDR', () => {
  it("refuses the machine's own network namespace; in one of its own, the node gets the first address", () => {
    const refused = notOwnNetworkNamespace();
    if (refused) {
      expect(() => new PodCidrNetwork('198.18.0.0/16')).toThrow(
        `podCIDR: refusing to add pod addresses to lo: ${refused}`,
      );
    } else {
      expect(new PodCidrNetwork('198.18.0.0/16').hostIP).toBe('198.18.0.1');
      expect(new PodCidrNetwork('10.1.2.8/29').hostIP).toBe('10.1.2.9');
    }
  });

  it.each([
    ['198.18.0.0', 'is not an IPv4 CIDR'],
    ['198.18.0.0/33', 'is not an IPv4 CIDR'],
    ['198.18.0.0/31', 'is not an IPv4 CIDR'],
    ['198.18.300.0/16', 'is not an IPv4 CIDR'],
    ['fd00::/64', 'is not an IPv4 CIDR'],
    ['198.18.0.7/16', 'has host bits set (did you mean 198.18.0.0/16?)'],
  ])('rejects %s naming the field', (cidr, why) => {
    expect(() => new PodCidrNetwork(cidr)).toThrow(`podCIDR: ${JSON.stringify(cidr)} ${why}`);
    expect(() => parseCidr(cidr, '--pod-cidr')).toThrow(`--pod-cidr: ${JSON.stringify(cidr)}`);
  });
});
