import { directClient } from '../testing/vcsim';
import { MoRef } from './moref';
import { SoapFault, toProviderError } from './faults';
import { findByInventoryPath } from './inventory';
import { retrieve, retrieveOne } from './properties';
import { childText, text } from './xml';

const client = directClient();
afterAll(() => client.close());

async function faultOf(call: Promise<unknown>): Promise<SoapFault> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SoapFault);
  return err as SoapFault;
}

describe('vim25 faults from vcsim', () => {
  it('maps a missing managed object to NOT_FOUND', async () => {
    const fault = await faultOf(
      client.invoke('PowerOnVM_Task', new MoRef('VirtualMachine', 'vm-0')),
    );
    expect(fault.faultType).toBe('ManagedObjectNotFound');
    expect(toProviderError(fault, 'power on').code).toBe('NOT_FOUND');
  });

  it('maps a duplicate name to ALREADY_EXISTS', async () => {
    const vmFolder = (await findByInventoryPath(client, 'DC0/vm'))!;
    const fault = await faultOf(client.invoke('CreateFolder', vmFolder, { name: 'DC0_H0_VM0' }));
    expect(fault.faultType).toBe('DuplicateName');
    const err = toProviderError(fault, 'create');
    expect(err.code).toBe('ALREADY_EXISTS');
    expect(err.message).toMatch(/^create: DuplicateName: /);
  });

  it('maps a rejected argument to INVALID_ARGUMENT', async () => {
    // vCenter refuses to terminate the calling session itself with InvalidArgument.
    const { sessionManager } = await client.serviceContent();
    const own = await retrieveOne(client, sessionManager, ['currentSession']);
    const key = childText(own.props.get('currentSession'), 'key')!;
    const fault = await faultOf(
      client.invoke('TerminateSession', sessionManager, { sessionId: [key] }),
    );
    expect(fault.faultType).toBe('InvalidArgument');
    expect(toProviderError(fault, 'terminate').code).toBe('INVALID_ARGUMENT');
  });
});

describe('RetrievePropertiesEx paging', () => {
  it('follows ContinueRetrievePropertiesEx tokens until every object is read', async () => {
    const names = ['DC0_H0_VM0', 'DC0_H0_VM1', 'DC0_C0_RP0_VM0', 'DC0_C0_RP0_VM1'];
    const vms = await Promise.all(
      names.map((name) => findByInventoryPath(client, `DC0/vm/${name}`)),
    );
    const spec = {
      propSet: { type: 'VirtualMachine', pathSet: ['name'] },
      objectSet: vms.map((obj) => ({ obj: obj!, skip: false })),
    };
    const onePerPage = await retrieve(client, spec, undefined, 1);
    expect(onePerPage.map((vm) => text(vm.props.get('name'))).sort()).toEqual([...names].sort());
  });
});
