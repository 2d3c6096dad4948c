// The "Virtual machines" page: every VM VirtRigaud manages, filtered, searched and paged on the
// server, with rows updating live.
import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  LinkButton,
  Page,
  Progress,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Paper from '@material-ui/core/Paper';
import TablePagination from '@material-ui/core/TablePagination';
import Alert from '@material-ui/lab/Alert';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/lib/useAsync';
import { virtrigaudApiRef } from '../../api';
import { useVmList } from '../../live/useVmList';
import { createVmRouteRef } from '../../routes';
import { VmFilters } from './VmFilters';
import { VmTable } from './VmTable';
import {
  hasFilters,
  PAGE_SIZES,
  readFilters,
  toQuery,
  writeFilters,
  type VmListFilters,
} from './vmListFilters';

export function VirtualMachinesPage() {
  return (
    <Page themeId="tool">
      <Header title="Virtual machines" subtitle="Every VM VirtRigaud manages, live" />
      <Content>
        <VirtualMachinesContent />
      </Content>
    </Page>
  );
}

export function VirtualMachinesContent() {
  const api = useApi(virtrigaudApiRef);
  const createVm = useRouteRef(createVmRouteRef);
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const paramsKey = params.toString();
  // A new query object only when the URL changes, so the list reloads only then.
  const query = useMemo(() => toQuery(readFilters(new URLSearchParams(paramsKey))), [paramsKey]);
  const list = useVmList(query);
  const providers = useAsync(() => api.listProviders(), [api]);
  const providerNames = [...new Set((providers.value?.items ?? []).map((p) => p.name))].sort();

  const change = (update: Partial<VmListFilters>) =>
    setParams(writeFilters(filters, update), { replace: !('page' in update) });

  return (
    <>
      <ContentHeader title="">
        {createVm && (
          <LinkButton to={createVm()} color="primary" variant="contained">
            New virtual machine
          </LinkButton>
        )}
      </ContentHeader>
      <VmFilters filters={filters} providers={providerNames} onChange={change} />
      {list.error && (
        <Box mb={2}>
          <Alert severity="error" action={<Button onClick={list.reload}>Retry</Button>}>
            {`Could not list virtual machines: ${list.error.message}. Check that the Backstage backend runs with the VirtRigaud plugin, then retry.`}
          </Alert>
        </Box>
      )}
      {list.loading && <Progress aria-label="Loading virtual machines" />}
      {list.page && (
        <Paper data-testid="vm-list-ready">
          <Box height={4}>{list.refreshing && <LinearProgress aria-label="Refreshing" />}</Box>
          {list.page.totalCount === 0 ? (
            <NoVms
              filtered={hasFilters(filters)}
              onClear={() => setParams(new URLSearchParams())}
            />
          ) : (
            <>
              <VmTable vms={list.page.items} />
              <TablePagination
                component="div"
                count={list.page.totalCount}
                page={Math.min(
                  filters.page,
                  Math.max(0, Math.ceil(list.page.totalCount / filters.pageSize) - 1),
                )}
                rowsPerPage={filters.pageSize}
                rowsPerPageOptions={[...PAGE_SIZES]}
                onPageChange={(_, page) => change({ page })}
                onRowsPerPageChange={(e) => change({ pageSize: Number(e.target.value) })}
              />
            </>
          )}
        </Paper>
      )}
    </>
  );
}

function NoVms(props: { filtered: boolean; onClear: () => void }) {
  return props.filtered ? (
    <EmptyState
      missing="data"
      title="No virtual machines match these filters"
      description="Change or clear the filters to see more."
      action={
        <Button variant="outlined" onClick={props.onClear}>
          Clear filters
        </Button>
      }
    />
  ) : (
    <EmptyState
      missing="content"
      title="No virtual machines yet"
      description='Request one with the "New virtual machine" software template; it shows up here as soon as the cluster has it.'
    />
  );
}
