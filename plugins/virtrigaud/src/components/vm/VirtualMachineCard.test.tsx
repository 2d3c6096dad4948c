import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { VirtrigaudApiError } from '@virtrigaud/plugin-virtrigaud-common';
import { deferred, fakeApi, vmDetail, vmSummary } from '../../testing/fakeApi';
import { renderWithApp, resourceEntity } from '../../testing/render';
import { EntityVirtualMachineCard } from '../EntityCards';

const entity = resourceEntity('VirtualMachine', 'web-1');

async function renderCard(api = fakeApi(), deny: string[] = []) {
  await renderWithApp(<EntityVirtualMachineCard />, api, { entity, deny });
  return api;
}

describe('VM entity card', () => {
  it('shows a progress bar while the VM loads', async () => {
    const api = fakeApi();
    const pending = deferred<ReturnType<typeof vmDetail>>();
    api.getVm.mockReturnValue(pending.promise);
    await renderCard(api);
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    await act(async () => pending.resolve(vmDetail()));
    expect(await screen.findByTestId('vm-card-ready')).toBeInTheDocument();
  });

  it('shows the phase and power timeline, and extends it with live changes', async () => {
    const api = fakeApi({
      vms: [
        vmDetail({
          timeline: [
            { at: '2026-11-24T09:00:00Z', phase: 'Provisioning', powerState: 'Off' },
            { at: '2026-11-24T09:01:00Z', phase: 'Running', powerState: 'On' },
          ],
        }),
      ],
    });
    await renderCard(api);
    const figure = await screen.findByRole('figure', { name: 'Phase and power timeline' });
    expect(figure).toHaveAttribute('data-entries', '2');
    const values = (band: string) =>
      [...screen.getByTestId(`vm-timeline-${band}`).querySelectorAll('[data-value]')].map((e) =>
        e.getAttribute('data-value'),
      );
    expect(values('phase')).toEqual(['Provisioning', 'Running']);
    expect(values('power')).toEqual(['Off', 'On']);
    await waitFor(() => expect(api.openStreams()).toBe(1));
    act(() =>
      api.emit({ type: 'vm.upserted', vm: vmSummary({ phase: 'Stopped', powerState: 'Off' }) }),
    );
    expect(values('phase')).toEqual(['Provisioning', 'Running', 'Stopped']);
    expect(values('power')).toEqual(['Off', 'On', 'Off']);
  });

  it('shows the data: power badge, phase, health, IPs, class, image, provider, console, conditions, events', async () => {
    await renderCard();
    expect(await screen.findByTestId('power-state-badge')).toHaveTextContent('Powered on');
    expect(screen.getByTestId('vm-phase')).toHaveTextContent('Phase: Running');
    expect(screen.getByTestId('health-status')).toHaveTextContent('Healthy: Running');
    expect(screen.getByLabelText('IP addresses')).toHaveTextContent('10.0.0.5');
    expect(screen.getByLabelText('Class')).toHaveTextContent('small');
    expect(screen.getByLabelText('Image')).toHaveTextContent('ubuntu-24-04');
    expect(screen.getByLabelText('Provider')).toHaveTextContent('mock-provider');
    expect(screen.getByRole('link', { name: /Open console/ })).toHaveAttribute(
      'href',
      'https://console.example.test/web-1',
    );
    const conditions = screen.getByRole('list', { name: 'Conditions' });
    expect(conditions).toHaveTextContent('Ready: True (VMRunning)');
    expect(conditions).toHaveTextContent('The VM is running');
    expect(await screen.findByText('PoweredOn: VM powered on')).toBeInTheDocument();
  });

  it('tells the user what to do when the backend fails, and retries on request', async () => {
    const api = fakeApi();
    api.getVm.mockRejectedValueOnce(new VirtrigaudApiError(503, 'cluster dev is not synced'));
    await renderCard(api);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('cluster dev is not synced');
    expect(alert).toHaveTextContent(
      'Check that the Backstage backend runs with the VirtRigaud plugin',
    );
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('vm-card-ready')).toBeInTheDocument();
  });

  it('says the VM does not exist when the backend answers 404', async () => {
    const api = fakeApi({ vms: [] });
    await renderCard(api);
    expect(
      await screen.findByText('The virtual machine team-a/web-1 in cluster dev does not exist'),
    ).toBeInTheDocument();
  });

  it('explains missing annotations on a non-VirtRigaud entity', async () => {
    await renderWithApp(<EntityVirtualMachineCard />, fakeApi(), {
      entity: resourceEntity('VirtualMachine', 'web-1', {}),
    });
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
  });

  it('updates live: a power state event changes the badge without reloading', async () => {
    const api = await renderCard();
    await screen.findByTestId('vm-card-ready');
    await waitFor(() => expect(api.openStreams()).toBe(1));
    act(() =>
      api.emit({
        type: 'vm.upserted',
        vm: vmSummary({ powerState: 'Off', desiredPowerState: 'Off', phase: 'Stopped' }),
      }),
    );
    expect(screen.getByTestId('power-state-badge')).toHaveTextContent('Powered off');
    expect(screen.getByTestId('vm-phase')).toHaveTextContent('Stopped');
    expect(api.getVm).toHaveBeenCalledTimes(1);
  });

  it('shows the VM as gone when a delete event arrives', async () => {
    const api = await renderCard();
    await screen.findByTestId('vm-card-ready');
    await waitFor(() => expect(api.openStreams()).toBe(1));
    act(() =>
      api.emit({ type: 'vm.deleted', ref: { cluster: 'dev', namespace: 'team-a', name: 'web-1' } }),
    );
    expect(screen.getByText(/does not exist/)).toBeInTheDocument();
  });

  it('powers off only after confirmation, and the badge shows the transition at once', async () => {
    const api = await renderCard();
    fireEvent.click(await screen.findByRole('button', { name: 'Power off' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Power off web-1?');
    expect(api.powerVm).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Power off' }));
    await waitFor(() =>
      expect(api.powerVm).toHaveBeenCalledWith(expect.objectContaining({ name: 'web-1' }), 'off'),
    );
    expect(await screen.findByText('Powering off…')).toBeInTheDocument();
    // Once off, the card offers to power it on again.
    expect(await screen.findByRole('button', { name: 'Power on' })).toBeInTheDocument();
  });

  it('reboots a running VM only after confirmation', async () => {
    const api = await renderCard();
    fireEvent.click(await screen.findByRole('button', { name: 'Reboot' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Reboot web-1?');
    expect(dialog).toHaveTextContent('restarts the running virtual machine once');
    expect(api.powerVm).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reboot' }));
    await waitFor(() =>
      expect(api.powerVm).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'web-1' }),
        'reboot',
      ),
    );
    expect(await screen.findByText('Rebooting…')).toBeInTheDocument();
    // A reboot does not change the desired power state: the card still offers to power off.
    expect(await screen.findByRole('button', { name: 'Power off' })).toBeInTheDocument();
  });

  it('offers no reboot for a VM that is off', async () => {
    const api = fakeApi({
      vms: [vmDetail({ powerState: 'Off', desiredPowerState: 'Off', phase: 'Stopped' })],
    });
    await renderCard(api);
    expect(await screen.findByRole('button', { name: 'Power on' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Reboot' })).not.toBeInTheDocument();
  });

  it('does nothing when the confirmation is cancelled', async () => {
    const api = await renderCard();
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    fireEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(api.deleteVm).not.toHaveBeenCalled();
  });

  it('deletes after confirmation and shows the VM as being deleted', async () => {
    const api = await renderCard();
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('It cannot be undone');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Deleting…')).toBeInTheDocument();
    expect(api.deleteVm).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
  });

  it('shows why an action failed', async () => {
    const api = fakeApi();
    api.powerVm.mockRejectedValue(new VirtrigaudApiError(409, 'VM is being reconfigured'));
    await renderCard(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Shut down' }));
    fireEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Shut down' }),
    );
    expect(await screen.findByText('VM is being reconfigured')).toBeInTheDocument();
  });

  it('hides the delete button from a user without the delete permission', async () => {
    await renderCard(fakeApi(), ['virtrigaud.vm.delete']);
    expect(await screen.findByRole('button', { name: 'Power off' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
  });

  it('hides power buttons from a user without the power permission', async () => {
    await renderCard(fakeApi(), ['virtrigaud.vm.power']);
    expect(await screen.findByRole('button', { name: 'Delete' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Power off' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Shut down' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Reboot' })).not.toBeInTheDocument();
  });
});
