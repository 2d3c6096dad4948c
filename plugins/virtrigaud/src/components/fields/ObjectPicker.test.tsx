import { fireEvent, screen, waitFor } from '@testing-library/react';
import { fakeApi } from '../../testing/fakeApi';
import { renderWithApp } from '../../testing/render';
import { ObjectPicker, type PickerProps } from './ObjectPicker';
import {
  classPicker,
  networkPicker,
  pickerQuery,
  providerPicker,
  validatePick,
} from './pickerKinds';

function pickerProps(overrides: Partial<PickerProps> = {}): PickerProps {
  return {
    schema: { title: 'Provider', type: 'string' },
    uiSchema: {},
    formData: undefined,
    onChange: jest.fn(),
    required: true,
    rawErrors: [],
    idSchema: { $id: 'root_provider' },
    formContext: { formData: { namespace: 'team-a' } },
    ...overrides,
  } as unknown as PickerProps;
}

/** Opens the option list the way a user does: the drop-down button of the field. */
async function openOptions() {
  fireEvent.click(await screen.findByRole('button', { name: 'Open' }));
}

describe('pickers', () => {
  it('lists providers of the form namespace and stores the picked name', async () => {
    const api = fakeApi();
    const onChange = jest.fn();
    await renderWithApp(<ObjectPicker {...pickerProps({ onChange })} kind={providerPicker} />, api);
    await openOptions();
    fireEvent.click(await screen.findByText('mock-provider'));
    expect(onChange).toHaveBeenCalledWith('mock-provider');
    expect(api.listProviders).toHaveBeenCalledWith({ cluster: undefined, namespace: 'team-a' });
  });

  it('waits for a provider before listing classes', async () => {
    const api = fakeApi();
    await renderWithApp(
      <ObjectPicker
        {...pickerProps({ schema: { title: 'Size', type: 'string' } })}
        kind={classPicker}
      />,
      api,
    );
    expect(await screen.findByText('Choose a provider first.')).toBeInTheDocument();
    expect(api.listClasses).not.toHaveBeenCalled();
  });

  it('narrows classes to the chosen provider and describes them', async () => {
    const api = fakeApi();
    const props = pickerProps({
      schema: { title: 'Size', type: 'string' },
      formContext: { formData: { namespace: 'team-a', provider: 'mock-provider' } },
    });
    await renderWithApp(<ObjectPicker {...props} kind={classPicker} />, api);
    await openOptions();
    expect(await screen.findByText('2 vCPU · 4Gi')).toBeInTheDocument();
    expect(api.listClasses).toHaveBeenCalledWith({
      cluster: undefined,
      namespace: 'team-a',
      provider: 'mock-provider',
    });
  });

  it('picks several networks for an array field', async () => {
    const api = fakeApi();
    const onChange = jest.fn();
    const props = pickerProps({
      onChange,
      schema: { title: 'Networks', type: 'array', items: { type: 'string' } },
      formContext: { formData: { provider: 'mock-provider' } },
    } as Partial<PickerProps>);
    await renderWithApp(<ObjectPicker {...props} kind={networkPicker} />, api);
    await openOptions();
    fireEvent.click(await screen.findByText('default-net'));
    expect(onChange).toHaveBeenCalledWith(['default-net']);
  });

  it('tells the user when there is nothing to pick', async () => {
    const api = fakeApi({ providers: [] });
    await renderWithApp(<ObjectPicker {...pickerProps()} kind={providerPicker} />, api);
    expect(
      await screen.findByText(/No provider available in namespace team-a/),
    ).toBeInTheDocument();
  });

  it('shows a load error with a retry', async () => {
    const api = fakeApi();
    api.listProviders.mockRejectedValueOnce(new Error('backend down'));
    await renderWithApp(<ObjectPicker {...pickerProps()} kind={providerPicker} />, api);
    expect(await screen.findByText('Could not load the list: backend down')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(api.listProviders).toHaveBeenCalledTimes(2));
    await waitFor(() =>
      expect(screen.queryByText(/Could not load the list/)).not.toBeInTheDocument(),
    );
  });
});

describe('picker validation', () => {
  const api = fakeApi() as never;

  it('rejects malformed names, naming the value', async () => {
    expect(await validatePick(providerPicker, 'Bad_Name', {}, api)).toEqual([
      expect.stringContaining('"Bad_Name" is not a valid provider name'),
    ]);
  });

  it('rejects names that do not exist for the provider', async () => {
    const query = pickerQuery(classPicker, undefined, {
      namespace: 'team-a',
      provider: 'mock-provider',
    });
    expect(await validatePick(classPicker, 'huge', query, api)).toEqual([
      'There is no VM class "huge" usable by provider mock-provider in namespace team-a; pick one from the list',
    ]);
  });

  it('accepts existing names, and leaves empty values to "required"', async () => {
    const query = pickerQuery(networkPicker, { providerField: 'p' }, { p: 'mock-provider' });
    expect(query.provider).toBe('mock-provider');
    expect(await validatePick(networkPicker, ['default-net'], query, api)).toEqual([]);
    expect(await validatePick(providerPicker, undefined, {}, api)).toEqual([]);
  });
});
