// Filter bar of the Virtual machines page. Text fields apply 300 ms after the last keystroke,
// so typing a search does not send a request per character.
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { VM_PHASES } from '@virtrigaud/api';
import { useEffect, useState } from 'react';
import useDebounce from 'react-use/lib/useDebounce';
import type { VmListFilters } from './vmListFilters';

const TEXT_DEBOUNCE_MS = 300;

export function VmFilters(props: {
  filters: VmListFilters;
  providers: string[];
  onChange: (change: Partial<VmListFilters>) => void;
}) {
  const { filters, onChange } = props;
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
      <DebouncedTextField
        label="Search"
        placeholder="Name, IP, class or image"
        value={filters.search}
        onCommit={(search) => onChange({ search })}
        width={280}
      />
      <TextField
        select
        label="Provider"
        value={filters.provider}
        onChange={(e) => onChange({ provider: e.target.value })}
        style={{ minWidth: 180 }}
        SelectProps={{ 'aria-label': 'Provider' } as object}
      >
        <MenuItem value="">All providers</MenuItem>
        {props.providers.map((name) => (
          <MenuItem key={name} value={name}>
            {name}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        label="Phase"
        value={filters.phase}
        onChange={(e) => onChange({ phase: e.target.value as VmListFilters['phase'] })}
        style={{ minWidth: 160 }}
      >
        <MenuItem value="">All phases</MenuItem>
        {VM_PHASES.map((phase) => (
          <MenuItem key={phase} value={phase}>
            {phase}
          </MenuItem>
        ))}
      </TextField>
      <DebouncedTextField
        label="Owner"
        placeholder="e.g. group:team-a"
        value={filters.owner}
        onCommit={(owner) => onChange({ owner })}
      />
      <DebouncedTextField
        label="Namespace"
        value={filters.namespace}
        onCommit={(namespace) => onChange({ namespace })}
      />
    </Box>
  );
}

function DebouncedTextField(props: {
  label: string;
  value: string;
  placeholder?: string;
  width?: number;
  onCommit: (value: string) => void;
}) {
  const [text, setText] = useState(props.value);
  // The URL may change under us (back button, "clear filters"): show what it says.
  useEffect(() => setText(props.value), [props.value]);
  useDebounce(
    () => {
      if (text !== props.value) props.onCommit(text);
    },
    TEXT_DEBOUNCE_MS,
    [text],
  );
  return (
    <TextField
      label={props.label}
      placeholder={props.placeholder}
      value={text}
      onChange={(e) => setText(e.target.value)}
      style={props.width ? { width: props.width } : undefined}
      inputProps={{ 'aria-label': props.label }}
    />
  );
}
