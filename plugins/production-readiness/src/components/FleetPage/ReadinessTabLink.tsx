import { parseEntityRef } from '@backstage/catalog-model';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { Link as MuiLink } from '@material-ui/core';
import { Link as RouterLink } from 'react-router-dom';

/** A link to an entity's Production Readiness tab, titled with its title or name. */
export function ReadinessTabLink(props: { entityRef: string; title?: string }) {
  const entityLink = useEntityRefLink();
  return (
    <MuiLink
      component={RouterLink}
      to={`${entityLink(props.entityRef)}/production-readiness`}
    >
      {props.title ?? parseEntityRef(props.entityRef).name}
    </MuiLink>
  );
}
