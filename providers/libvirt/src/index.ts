export { LibvirtBackend, createLibvirtBackend, LIBVIRT_CAPABILITIES } from './libvirt-backend';
export { buildDomainXml } from './domain/build-domain-xml';
export { parseDomainXml, type ParsedDomain } from './domain/parse-domain-xml';
export { METADATA_NAMESPACE, type DomainSpec, type DomainMetadata } from './domain/domain-spec';
export { Virsh, type VirshOptions } from './virsh/virsh';
export { libvirtSettings, LIBVIRT_FLAGS, type LibvirtSettings } from './settings';
export { derivedUuid, checkDomainName } from './names';
