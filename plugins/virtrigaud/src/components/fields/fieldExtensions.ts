// The pickers as scaffolder field extension options: component plus validation.
import type { FieldExtensionOptions } from '@backstage/plugin-scaffolder-react';
import { createElement } from 'react';
import { virtrigaudApiRef } from '../../api';
import { ObjectPicker, type PickerProps, type PickerValue } from './ObjectPicker';
import {
  classPicker,
  imagePicker,
  networkPicker,
  pickerQuery,
  providerPicker,
  validatePick,
  type PickerKind,
  type PickerUiOptions,
} from './pickerKinds';

export function pickerFieldExtension(
  kind: PickerKind,
): FieldExtensionOptions<PickerValue, PickerUiOptions> {
  return {
    name: kind.fieldName,
    component: (props: PickerProps) => createElement(ObjectPicker, { ...props, kind }),
    validation: async (value, validation, context) => {
      const query = pickerQuery(kind, context.uiSchema?.['ui:options'], context.formData);
      const api = context.apiHolder.get(virtrigaudApiRef);
      try {
        for (const problem of await validatePick(kind, value, query, api)) {
          validation.addError(problem);
        }
      } catch (e) {
        validation.addError(`Could not check the ${kind.noun}: ${(e as Error).message}`);
      }
    },
    schema: {
      returnValue: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      uiOptions: {
        type: 'object',
        properties: {
          cluster: { type: 'string', description: 'Cluster name from app-config (fixed).' },
          namespace: { type: 'string', description: 'Namespace (fixed).' },
          clusterField: { type: 'string', description: 'Form field holding the cluster.' },
          namespaceField: { type: 'string', description: 'Form field holding the namespace.' },
          providerField: { type: 'string', description: 'Form field holding the provider.' },
        },
      },
    },
  };
}

export const PICKER_KINDS = [providerPicker, classPicker, imagePicker, networkPicker];
