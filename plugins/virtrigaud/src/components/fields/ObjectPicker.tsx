// A scaffolder field that picks VirtRigaud objects by name from a live list: one name for a
// `type: string` field, several for `type: array` (e.g. the networks of a VM).
import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import type { ObjectRef } from '@virtrigaud/plugin-virtrigaud-common';
import useAsyncRetry from 'react-use/lib/useAsyncRetry';
import { virtrigaudApiRef } from '../../api';
import { pickerQuery, type PickerKind, type PickerUiOptions } from './pickerKinds';

export type PickerValue = string | string[];
export type PickerProps = FieldExtensionComponentProps<PickerValue, PickerUiOptions>;

export function ObjectPicker(props: PickerProps & { kind: PickerKind }) {
  const { kind, schema, required, rawErrors, formData, onChange, uiSchema, idSchema } = props;
  const api = useApi(virtrigaudApiRef);
  const formContextData = (props.formContext as { formData?: unknown } | undefined)?.formData;
  const query = pickerQuery(kind, uiSchema?.['ui:options'], formContextData);
  const waitingForProvider = kind.scopedToProvider && !query.provider;
  const options = useAsyncRetry(
    async () => (waitingForProvider ? [] : (await kind.list(api, query)).items),
    [api, kind, query.cluster, query.namespace, query.provider, waitingForProvider],
  );
  const items: ObjectRef[] = options.value ?? [];
  const multiple = schema.type === 'array';
  const picked = (Array.isArray(formData) ? formData : formData ? [formData] : []) as string[];
  // A picked name the list does not contain (set in the template, or deleted since) stays shown.
  const known = (name: string) =>
    items.find((item) => item.name === name) ?? {
      ...query,
      cluster: query.cluster ?? '',
      namespace: query.namespace ?? '',
      name,
    };
  const selected = multiple ? picked.map(known) : picked.length ? known(picked[0]) : null;
  const title = schema.title ?? kind.noun;
  const describe = kind.describe as (item: ObjectRef) => string;

  const helper = waitingForProvider
    ? 'Choose a provider first.'
    : options.error
      ? `Could not load the list: ${options.error.message}`
      : !options.loading && items.length === 0
        ? `No ${kind.noun} available${query.namespace ? ` in namespace ${query.namespace}` : ''}. Ask your platform team to create one.`
        : schema.description;

  return (
    <FormControl
      fullWidth
      margin="normal"
      required={required}
      error={Boolean(rawErrors?.length) || Boolean(options.error)}
    >
      <Autocomplete<ObjectRef, boolean>
        id={idSchema?.$id}
        multiple={multiple}
        options={items}
        value={selected}
        loading={options.loading}
        disabled={waitingForProvider}
        getOptionLabel={(item) => item.name}
        getOptionSelected={(a, b) => a.name === b.name}
        renderOption={(item) => (
          <span>
            <strong>{item.name}</strong> <small>{describe(item)}</small>
          </span>
        )}
        onChange={(_, value) => {
          if (Array.isArray(value)) onChange(value.map((item) => item.name));
          else onChange(value?.name ?? undefined);
        }}
        renderInput={(params) => (
          <TextField
            {...params}
            label={title}
            required={required}
            variant="outlined"
            error={Boolean(rawErrors?.length)}
          />
        )}
      />
      {helper && <FormHelperText>{helper}</FormHelperText>}
      {options.error && (
        <Button size="small" onClick={options.retry} style={{ alignSelf: 'flex-start' }}>
          Retry
        </Button>
      )}
    </FormControl>
  );
}
