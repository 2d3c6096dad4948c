// How VMs and Providers are loaded and how live events change them.
import type {
  ProviderSummary,
  VmDetail,
  VmTimelineEntry,
} from '@virtrigaud/plugin-virtrigaud-common';
import { sameObject } from '../catalog';
import type { LiveObjectSource } from './useLiveObject';

export const vmSource: LiveObjectSource<VmDetail> = {
  load: (api, ref) => api.getVm(ref),
  changeFrom(event, ref) {
    if (event.type === 'vm.upserted' && sameObject(event.vm, ref)) {
      // Events carry the summary; the detail's spec stays as loaded.
      return {
        kind: 'upserted',
        apply: (current) => ({
          ...current,
          ...event.vm,
          timeline: withChange(current.timeline, event.vm),
        }),
      };
    }
    if (event.type === 'vm.deleted' && sameObject(event.ref, ref)) return { kind: 'deleted' };
    return undefined;
  },
};

export const providerSource: LiveObjectSource<ProviderSummary> = {
  load: (api, ref) => api.getProvider(ref),
  changeFrom(event, ref) {
    if (event.type === 'provider.upserted' && sameObject(event.provider, ref)) {
      return { kind: 'upserted', apply: () => event.provider };
    }
    if (event.type === 'provider.deleted' && sameObject(event.ref, ref)) return { kind: 'deleted' };
    return undefined;
  },
};

/** The timeline with the VM's new phase/power state appended, when either changed. */
function withChange(
  timeline: VmTimelineEntry[] | undefined,
  vm: { phase?: string; powerState: string },
): VmTimelineEntry[] | undefined {
  const last = timeline?.[timeline.length - 1];
  if (!timeline || (last?.phase === vm.phase && last?.powerState === vm.powerState))
    return timeline;
  return [
    ...timeline,
    { at: new Date().toISOString(), phase: vm.phase, powerState: vm.powerState },
  ];
}
