import {
  Sidebar,
  SidebarDivider,
  SidebarItem,
  SidebarPage,
  SidebarScrollWrapper,
} from '@backstage/core-components';
import CategoryIcon from '@material-ui/icons/Category';
import CreateComponentIcon from '@material-ui/icons/AddCircleOutline';
import DnsIcon from '@material-ui/icons/Dns';
import type { PropsWithChildren } from 'react';

export function Root(props: PropsWithChildren) {
  return (
    <SidebarPage>
      <Sidebar>
        <SidebarDivider />
        <SidebarScrollWrapper>
          <SidebarItem icon={CategoryIcon} to="catalog" text="Catalog" />
          <SidebarItem icon={DnsIcon} to="virtual-machines" text="Virtual machines" />
          <SidebarItem icon={CreateComponentIcon} to="create" text="Create..." />
        </SidebarScrollWrapper>
      </Sidebar>
      {props.children}
    </SidebarPage>
  );
}
