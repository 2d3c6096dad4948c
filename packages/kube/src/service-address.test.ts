import { EndpointSliceResolver, type EndpointSliceLike, type ServiceLike } from './service-address';

const service: ServiceLike = {
  metadata: { namespace: 'lab', name: 'virtrigaud-provider-vc' },
  spec: { ports: [{ name: 'grpc', port: 9090 }] },
};

function slice(
  endpoints: EndpointSliceLike['endpoints'],
  ports: EndpointSliceLike['ports'],
): EndpointSliceLike {
  return { metadata: { namespace: 'lab', name: 's' }, endpoints, ports };
}

describe('EndpointSliceResolver', () => {
  it('lists the ready endpoints of every slice at the named port, skipping unready ones', () => {
    const slices = [
      slice(
        [
          { addresses: ['10.0.0.2'], conditions: { ready: true } },
          { addresses: ['10.0.0.1'], conditions: {} }, // absent ready means ready
          { addresses: ['10.0.0.9'], conditions: { ready: false } },
        ],
        [
          { name: 'metrics', port: 8080 },
          { name: 'grpc', port: 9090 },
        ],
      ),
      // The devcluster: one slice per pod, each on its own loopback port.
      slice(
        [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
        [{ name: 'grpc', port: 41001 }],
      ),
      slice([{ addresses: ['fd00::5'] }], [{ name: 'grpc', port: 9090 }]),
    ];
    const resolver = new EndpointSliceResolver((key) =>
      key === 'lab/virtrigaud-provider-vc' ? slices : [],
    );
    expect(resolver.replicas(service, 'grpc')).toEqual([
      '10.0.0.1:9090',
      '10.0.0.2:9090',
      '127.0.0.1:41001',
      '[fd00::5]:9090',
    ]);
    // The Service address shown in status stays its DNS name.
    expect(resolver.resolve(service, 'grpc')).toBe('virtrigaud-provider-vc.lab.svc:9090');
  });

  it('has no replicas before the Service has ready endpoints', () => {
    expect(new EndpointSliceResolver(() => []).replicas(service, 'grpc')).toEqual([]);
  });
});
