// Edits a domain's own (inactive) XML with xmlbuilder2 instead of rebuilding it, so everything the
// provider does not model (NVRAM path, graphics ports, devices added by hand) survives: disks are
// pointed at other volumes and the provider's metadata element is replaced, both in one document
// that is defined in one step.
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { appendMetadata } from './build-domain-xml';
import { METADATA_NAMESPACE, type DomainMetadata } from './domain-spec';

export interface DiskMove {
  /** The disk's current source: a pool volume, or its file path for disks attached by path. */
  from: { pool: string; volume: string; path: string };
  /** The qcow2 volume in the same pool the disk uses from now on. */
  to: { volume: string };
}

/** The little of the DOM used here (the project compiles without the DOM lib). */
interface Element {
  namespaceURI: string | null;
  getAttribute(name: string): string | null;
}

const named = (name: string) => (n: XMLBuilder) => n.node.nodeName === name;
const element = (n: XMLBuilder | undefined) => n?.node as unknown as Element | undefined;

export function rewriteDomainXml(xml: string, moves: DiskMove[], metadata: DomainMetadata): string {
  const doc = create(xml);
  const domain = doc.root();
  const devices = domain.find(named('devices'));
  const disks = devices ? devices.filter(named('disk')) : [];
  for (const move of moves) {
    const disk = disks.find((d) => {
      const source = element(d.find(named('source')));
      return (
        (source?.getAttribute('pool') === move.from.pool &&
          source.getAttribute('volume') === move.from.volume) ||
        source?.getAttribute('file') === move.from.path
      );
    });
    if (!disk) throw new Error(`the domain has no disk on volume ${move.from.volume}`);
    disk.att('type', 'volume');
    disk.find(named('driver'))?.att('type', 'qcow2');
    disk
      .find(named('source'))!
      .removeAtt('file')
      .att({ pool: move.from.pool, volume: move.to.volume });
  }
  const metadataElement = domain.find(named('metadata')) ?? domain.ele('metadata');
  metadataElement.find((n) => element(n)?.namespaceURI === METADATA_NAMESPACE)?.remove();
  appendMetadata(metadataElement, metadata);
  return doc.end({ headless: true });
}
