// The REST document restates three enums of the CRDs (its clients cannot import @virtrigaud/api's
// values through HTTP); this keeps the two statements equal, so a new phase or provider type in
// the CRD cannot silently be refused or mistyped by the REST API.
import { POWER_STATES, PROVIDER_TYPES, VM_PHASES } from '@virtrigaud/api';
import { desiredPowerStateValues, providerTypeValues, vmPhaseValues } from './generated/openapi';

describe('the REST document enums', () => {
  it.each([
    ['VmPhase', vmPhaseValues, VM_PHASES],
    ['DesiredPowerState', desiredPowerStateValues, POWER_STATES],
    ['ProviderType', providerTypeValues, PROVIDER_TYPES],
  ])('%s lists the same values as the CRD', (_name, rest, crd) => {
    expect([...rest].sort()).toEqual([...crd].sort());
  });
});
