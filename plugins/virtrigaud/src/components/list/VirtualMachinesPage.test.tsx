import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { VirtrigaudApiError } from '@virtrigaud/plugin-virtrigaud-common';
import { deferred, fakeApi, vmDetail, vmSummary } from '../../testing/fakeApi';
import { renderWithApp } from '../../testing/render';
import { VirtualMachinesPage } from './VirtualMachinesPage';

const manyVms = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    vmDetail({ name: `vm-${String(i).padStart(4, '0')}`, uid: `uid-${i}` }),
  );

describe('Virtual machines page', () => {
  it('shows a progress bar until the first page arrives', async () => {
    const api = fakeApi();
    api.listVms.mockReturnValue(deferred().promise);
    await renderWithApp(<VirtualMachinesPage />, api);
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('lists VMs with power badge, phase, IPs, provider and health', async () => {
    await renderWithApp(<VirtualMachinesPage />, fakeApi());
    const row = (await screen.findAllByTestId('vm-row'))[0];
    expect(within(row).getByRole('link', { name: 'web-1' })).toBeInTheDocument();
    expect(row).toHaveTextContent('Powered on');
    expect(row).toHaveTextContent('Running');
    expect(row).toHaveTextContent('10.0.0.5');
    expect(row).toHaveTextContent('mock-provider');
    expect(row).toHaveTextContent('Healthy');
  });

  it('explains the empty portal', async () => {
    await renderWithApp(<VirtualMachinesPage />, fakeApi({ vms: [] }));
    expect(await screen.findByText('No virtual machines yet')).toBeInTheDocument();
  });

  it('offers to clear filters that match nothing', async () => {
    const api = fakeApi();
    api.listVms.mockImplementation(async (query: { phase?: string }) => ({
      items: query.phase ? [] : [vmSummary()],
      totalCount: query.phase ? 0 : 1,
      offset: 0,
      limit: 25,
    }));
    await renderWithApp(<VirtualMachinesPage />, api, {
      routeEntries: ['/virtual-machines?phase=Failed'],
    });
    expect(await screen.findByText('No virtual machines match these filters')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(await screen.findByRole('link', { name: 'web-1' })).toBeInTheDocument();
  });

  it('shows an error with a retry', async () => {
    const api = fakeApi();
    api.listVms.mockRejectedValueOnce(new VirtrigaudApiError(500, 'informer not synced'));
    await renderWithApp(<VirtualMachinesPage />, api);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('informer not synced');
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('link', { name: 'web-1' })).toBeInTheDocument();
  });

  it('pages on the server', async () => {
    const api = fakeApi({ vms: manyVms(60) });
    await renderWithApp(<VirtualMachinesPage />, api);
    expect(await screen.findAllByTestId('vm-row')).toHaveLength(25);
    expect(screen.getByText('1-25 of 60')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: /next page/i }));
    expect(await screen.findByRole('link', { name: 'vm-0025' })).toBeInTheDocument();
    expect(api.listVms).toHaveBeenLastCalledWith(
      expect.objectContaining({ offset: 25, limit: 25 }),
    );
  });

  it('sends search and filters to the server', async () => {
    const api = fakeApi();
    await renderWithApp(<VirtualMachinesPage />, api, {
      routeEntries: ['/virtual-machines?provider=mock-provider&owner=group:default/team-a'],
    });
    await screen.findByRole('link', { name: 'web-1' });
    expect(api.listVms).toHaveBeenLastCalledWith(
      expect.objectContaining({
        provider: 'mock-provider',
        owner: 'group:default/team-a',
        offset: 0,
      }),
    );
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'web' } });
    await waitFor(() =>
      expect(api.listVms).toHaveBeenLastCalledWith(expect.objectContaining({ search: 'web' })),
    );
  });

  it('updates a row live when its VM changes', async () => {
    const api = fakeApi();
    await renderWithApp(<VirtualMachinesPage />, api);
    await screen.findByRole('link', { name: 'web-1' });
    await waitFor(() => expect(api.openStreams()).toBe(1));
    act(() =>
      api.emit({
        type: 'vm.upserted',
        vm: vmSummary({ powerState: 'Off', desiredPowerState: 'Off', phase: 'Stopped' }),
      }),
    );
    expect(screen.getByTestId('vm-row')).toHaveTextContent('Powered off');
    expect(api.listVms).toHaveBeenCalledTimes(1);
  });
});
