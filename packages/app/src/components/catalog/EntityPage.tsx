// Entity pages: VMs and Providers get the VirtRigaud cards (and Providers their pods through the
// Kubernetes plugin); every other entity a plain overview.
import {
  EntityAboutCard,
  EntityLayout,
  EntityLinksCard,
  EntitySwitch,
} from '@backstage/plugin-catalog';
import type { Entity } from '@backstage/catalog-model';
import { EntityKubernetesContent, isKubernetesAvailable } from '@backstage/plugin-kubernetes';
import Grid from '@material-ui/core/Grid';
import {
  EntityProviderHealthCard,
  EntityProviderVmsCard,
  EntityVirtualMachineCard,
  isProviderEntity,
  isVirtualMachineEntity,
} from '@virtrigaud/plugin-virtrigaud';
import type { ReactNode } from 'react';

const hasLinks = (entity: Entity) => Boolean(entity.metadata.links?.length);

const aboutCards = (
  <>
    <Grid item xs={12}>
      <EntityAboutCard />
    </Grid>
    <EntitySwitch>
      <EntitySwitch.Case if={hasLinks}>
        <Grid item xs={12}>
          <EntityLinksCard />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>
  </>
);

/** A kind's main card, wide, with the about cards in a column beside it. */
const besideAboutCards = (mainCard: ReactNode) => (
  <>
    <Grid item xs={12} lg={8}>
      {mainCard}
    </Grid>
    <Grid item xs={12} lg={4}>
      <Grid container spacing={3}>
        {aboutCards}
      </Grid>
    </Grid>
  </>
);

const virtualMachinePage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3} alignItems="stretch">
        {besideAboutCards(<EntityVirtualMachineCard />)}
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const providerPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3} alignItems="stretch">
        {besideAboutCards(<EntityProviderHealthCard />)}
        <Grid item xs={12}>
          <EntityProviderVmsCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
    <EntityLayout.Route path="/kubernetes" title="Kubernetes" if={isKubernetesAvailable}>
      <EntityKubernetesContent />
    </EntityLayout.Route>
  </EntityLayout>
);

const defaultPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3}>
        {aboutCards}
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

export const entityPage = (
  <EntitySwitch>
    <EntitySwitch.Case if={isVirtualMachineEntity}>{virtualMachinePage}</EntitySwitch.Case>
    <EntitySwitch.Case if={isProviderEntity}>{providerPage}</EntitySwitch.Case>
    <EntitySwitch.Case>{defaultPage}</EntitySwitch.Case>
  </EntitySwitch>
);
