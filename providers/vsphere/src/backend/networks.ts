// Port group name → NIC backing. Distributed port groups are joined by switch UUID + port group
// key, standard ones by network moref; both are cached like the rest of the placement.
import type { Vim25Client } from '../vim25/client';
import { retrieveOne } from '../vim25/properties';
import { child, childText, moref, text } from '../vim25/xml';
import type { NicBacking } from './devices';
import type { PlacementResolver } from './placement';

export class NetworkResolver {
  private readonly backings = new Map<string, NicBacking>();

  constructor(
    private readonly client: Vim25Client,
    private readonly placement: PlacementResolver,
  ) {}

  forget(): void {
    this.backings.clear();
  }

  async backing(
    datacenter: string,
    portgroup: string,
    field: string,
    signal?: AbortSignal,
  ): Promise<NicBacking> {
    const cacheKey = `${datacenter}\u0000${portgroup}`;
    const cached = this.backings.get(cacheKey);
    if (cached) return cached;
    const network = await this.placement.network(datacenter, portgroup, field, signal);
    let backing: NicBacking;
    if (network.type === 'DistributedVirtualPortgroup') {
      const props = await retrieveOne(this.client, network, ['config'], signal);
      const config = props.props.get('config');
      const dvs = moref(child(config, 'distributedVirtualSwitch'))!;
      const dvsProps = await retrieveOne(this.client, dvs, ['uuid'], signal);
      backing = {
        kind: 'distributed',
        switchUuid: text(dvsProps.props.get('uuid'))!,
        portgroupKey: childText(config, 'key')!,
      };
    } else {
      backing = { kind: 'standard', name: portgroup.replace(/^.*\//, ''), network };
    }
    this.backings.set(cacheKey, backing);
    return backing;
  }
}
