import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { VirtrigaudApiError } from '@virtrigaud/plugin-virtrigaud-common';
import { deferred, fakeApi, providerSummary, vmDetail } from '../../testing/fakeApi';
import { renderWithApp, resourceEntity } from '../../testing/render';
import { EntityProviderHealthCard, EntityProviderVmsCard } from '../EntityCards';

const entity = resourceEntity('Provider', 'mock-provider');

describe('Provider health card', () => {
  it('shows a progress bar while loading', async () => {
    const api = fakeApi();
    api.getProvider.mockReturnValue(deferred().promise);
    await renderWithApp(<EntityProviderHealthCard />, api, { entity });
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('shows health, connection, replicas, capabilities and the three metrics', async () => {
    await renderWithApp(<EntityProviderHealthCard />, fakeApi(), { entity });
    expect(await screen.findByTestId('health-status')).toHaveTextContent(
      'Healthy: Connected to the hypervisor',
    );
    expect(screen.getByLabelText('Hypervisor connection')).toHaveTextContent('Connected');
    expect(screen.getByTestId('provider-replicas')).toHaveTextContent('1 / 1');
    expect(screen.getByText('reconfigure-online')).toBeInTheDocument();
    expect(screen.getByRole('figure', { name: 'Request rate' })).toHaveTextContent('2.50 req/s');
    expect(screen.getByRole('figure', { name: 'Error rate' })).toHaveTextContent('4.0 %');
    expect(screen.getByRole('figure', { name: 'Mean latency' })).toHaveTextContent('12.0 ms');
  });

  it('charts request rate, error rate and latency over time, and VMs by state', async () => {
    const { container } = await renderWithApp(<EntityProviderHealthCard />, fakeApi(), { entity });
    await screen.findByTestId('provider-card-ready');
    for (const name of ['Request rate', 'Error rate', 'Mean latency', 'VMs by state']) {
      expect(screen.getByRole('figure', { name })).toHaveAttribute('data-points', '2');
    }
    // One line each for rate and errors, mean and p95 for latency; an area per VM state.
    expect(container.querySelectorAll('.recharts-line')).toHaveLength(4);
    expect(container.querySelectorAll('.recharts-area')).toHaveLength(2);
    expect(screen.getByText('Last hour, from the portal’s own scrapes')).toBeInTheDocument();
  });

  it('says so when metrics cannot be scraped and the hypervisor is disconnected', async () => {
    const api = fakeApi({
      providers: [
        providerSummary({
          hypervisorConnected: false,
          health: { level: 'unhealthy', reason: 'hypervisor unreachable' },
          metrics: { history: [], error: 'connect ECONNREFUSED 127.0.0.1:8080' },
        }),
      ],
    });
    await renderWithApp(<EntityProviderHealthCard />, api, { entity });
    expect(
      await screen.findByText(/Metrics could not be read from the provider: connect ECONNREFUSED/),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Hypervisor connection')).toHaveTextContent('Disconnected');
    expect(screen.getByTestId('health-status')).toHaveTextContent(
      'Unhealthy: hypervisor unreachable',
    );
    expect(screen.getAllByText('Collecting samples…')).toHaveLength(4);
  });

  it('shows the error with a retry', async () => {
    const api = fakeApi();
    api.getProvider.mockRejectedValueOnce(new VirtrigaudApiError(500, 'boom'));
    await renderWithApp(<EntityProviderHealthCard />, api, { entity });
    fireEvent.click(
      within(await screen.findByRole('alert')).getByRole('button', { name: 'Retry' }),
    );
    expect(await screen.findByTestId('provider-card-ready')).toBeInTheDocument();
  });

  it('updates live when the provider loses its replicas', async () => {
    const api = fakeApi();
    await renderWithApp(<EntityProviderHealthCard />, api, { entity });
    await screen.findByTestId('provider-card-ready');
    await waitFor(() => expect(api.openStreams()).toBe(1));
    act(() =>
      api.emit({
        type: 'provider.upserted',
        provider: providerSummary({
          replicas: { desired: 2, ready: 0 },
          health: { level: 'unhealthy', reason: 'no replica ready' },
        }),
      }),
    );
    expect(screen.getByTestId('provider-replicas')).toHaveTextContent('0 / 2');
    expect(screen.getByTestId('health-status')).toHaveTextContent('no replica ready');
  });
});

describe('Provider VMs card', () => {
  it('lists the VMs on the provider with links to their entity pages', async () => {
    const api = fakeApi();
    await renderWithApp(<EntityProviderVmsCard />, api, { entity });
    const link = await screen.findByRole('link', { name: 'web-1' });
    expect(link).toHaveAttribute('href', '/catalog/default/resource/dev.team-a.web-1');
    expect(api.listVms).toHaveBeenCalledWith(
      expect.objectContaining({ cluster: 'dev', namespace: 'team-a', provider: 'mock-provider' }),
    );
  });

  it('says when the provider hosts no VM yet', async () => {
    await renderWithApp(<EntityProviderVmsCard />, fakeApi({ vms: [] }), { entity });
    expect(
      await screen.findByText(/No virtual machines use provider mock-provider yet/),
    ).toBeInTheDocument();
  });

  it('shows a list error with a retry', async () => {
    const api = fakeApi();
    api.listVms.mockRejectedValueOnce(new VirtrigaudApiError(503, 'not synced'));
    await renderWithApp(<EntityProviderVmsCard />, api, { entity });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('not synced');
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('link', { name: 'web-1' })).toBeInTheDocument();
  });

  it('shows a VM created on the provider without a reload of the page', async () => {
    const vms = [vmDetail()];
    const api = fakeApi({ vms });
    await renderWithApp(<EntityProviderVmsCard />, api, { entity });
    await screen.findByRole('link', { name: 'web-1' });
    await waitFor(() => expect(api.openStreams()).toBe(1));
    const created = vmDetail({ name: 'web-2', uid: 'uid-web-2' });
    vms.push(created);
    act(() => api.emit({ type: 'vm.upserted', vm: created }));
    expect(
      await screen.findByRole('link', { name: 'web-2' }, { timeout: 3000 }),
    ).toBeInTheDocument();
  });
});
